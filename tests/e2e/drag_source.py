#!/usr/bin/python3
"""A real X drag source for the e2e tests: a small GTK 3 window whose button
offers the files given on the command line as `text/uri-list`. The test moves
the pointer with xdotool from the button onto the app window, so Tauri gets the
same enter / over / drop events a file manager would give it.

usage: drag_source.py X Y FILE...   (prints "ready BX BY" — the button's centre
on the screen — once the window is shown; exits after the drop or after 60 s)
"""
import sys

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import GLib, Gtk  # noqa: E402


def main() -> None:
    x, y = int(sys.argv[1]), int(sys.argv[2])
    uris = [GLib.filename_to_uri(path, None) for path in sys.argv[3:]]
    window = Gtk.Window(title="weft-e2e-drag-source")
    window.set_decorated(False)
    window.set_default_size(120, 60)
    button = Gtk.Button(label="drag me")
    button.drag_source_set(
        __import__("gi.repository.Gdk", fromlist=["Gdk"]).ModifierType.BUTTON1_MASK,
        [],
        __import__("gi.repository.Gdk", fromlist=["Gdk"]).DragAction.COPY,
    )
    button.drag_source_add_uri_targets()

    def on_get(_widget, _context, data, _info, _time):
        data.set_uris(uris)

    def on_end(_widget, _context):
        GLib.timeout_add(300, Gtk.main_quit)

    button.connect("drag-data-get", on_get)
    button.connect("drag-end", on_end)
    window.add(button)
    window.move(x, y)
    window.show_all()

    def announce():
        origin = button.get_window().get_origin()
        alloc = button.get_allocation()
        print(f"ready {origin[1] + alloc.x + alloc.width // 2} {origin[2] + alloc.y + alloc.height // 2}", flush=True)
        return False

    GLib.timeout_add(300, announce)
    GLib.timeout_add(60_000, Gtk.main_quit)
    Gtk.main()


if __name__ == "__main__":
    main()
