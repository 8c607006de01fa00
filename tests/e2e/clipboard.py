#!/usr/bin/python3
"""Prints the text on the X CLIPBOARD (of the display in $DISPLAY) as one JSON
string, so a test can read what the app copied; `null` when it holds no text.

usage: clipboard.py
"""
import json

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402


def main() -> None:
    clipboard = Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD)
    print(json.dumps(clipboard.wait_for_text()))


if __name__ == "__main__":
    main()
