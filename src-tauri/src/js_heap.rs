//! How the web view's JavaScript heap grows between collections. JavaScriptCore sizes
//! the budget of a collection cycle from the machine's RAM: on one of 16 GiB or more it
//! runs in its "aggressive" mode, where a small heap may grow to four times what is live
//! before it collects (`heapGrowthMaxIncrease` 3), and a page's heap (WebKit's "large"
//! heap type) grows by at least 32 MiB whatever is live (`largeHeapSize`). The window's
//! live heap is small (~12 MB with a 1M-span trace open) but scrolling the waterfall
//! allocates every frame, so the garbage between collections was most of the web
//! process's growth: the JS heap's committed memory climbed to 77 MB while 12–40 MB of
//! it was live.
//!
//! So the app sets JavaScriptCore's options, which it reads from `JSC_*` variables of
//! the environment when it starts in the web process (which inherits the app's
//! environment), each only when the user has not set it. Measured on the release
//! build under Xvfb (WebKitGTK 2.50.6, 24 GiB) with the two heap options below, the
//! 1M-span trace opened, scrolled 600 frames a viewport a frame and flung to its end,
//! the web process sampled by WebKit (`WEBKIT_SAMPLE_MEMORY=1`): JS heap committed up to
//! 77 MB → 45 MB as the scroll starts and 17–22 MB after, live ~12 MB; the web
//! process's RSS 284–296 MiB → 226–231 MiB. `make measure-app` in the closing
//! note of issue 19 gives the frames, which stay under the budget.

/// The options and their values: a collection cycle's budget is at least 8 MiB
/// (`largeHeapSize`, 32 MiB by default), and in the aggressive mode the heap grows to
/// at most 1.5 times what is live (`heapGrowthMaxIncrease`, 3 by default: four times).
/// On a machine under 16 GiB JavaScriptCore grows a small heap to twice what is live
/// (`smallHeapGrowthFactor`), which is left as it is.
///
/// And no FTL, JavaScriptCore's fourth tier (`useFTLJIT`): the window's JavaScript runs
/// in short handlers (a frame's scroll, paint and labels), which its third tier, DFG,
/// compiles well; the FTL's compilations were another 12–20 MiB of the web process after
/// the fling (JS heap as it was: 278–280 MiB against 291–300, 4 runs each) and the frames
/// did not change (median 10–14 ms, p95 17–18 ms either way).
pub const OPTIONS: [(&str, &str); 3] = [
    ("JSC_largeHeapSize", "8388608"),
    ("JSC_heapGrowthMaxIncrease", "0.5"),
    ("JSC_useFTLJIT", "0"),
];

/// The variables of `OPTIONS` to set: those the user's environment has not (`is_set`).
pub fn variables(is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    OPTIONS
        .into_iter()
        .filter(|(name, _)| !is_set(name))
        .collect()
}

/// Sets the options in this process's environment. Must run before any other thread
/// starts (the first lines of `main`): nothing reads the environment yet.
pub fn apply() {
    for (name, value) in variables(|name| std::env::var_os(name).is_some()) {
        std::env::set_var(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_every_option_when_the_user_set_none() {
        assert_eq!(variables(|_| false), OPTIONS);
    }

    #[test]
    fn leaves_an_option_the_user_set() {
        let users_heap_size = |name: &str| name == "JSC_largeHeapSize";
        assert_eq!(
            variables(users_heap_size),
            [("JSC_heapGrowthMaxIncrease", "0.5"), ("JSC_useFTLJIT", "0")]
        );
        assert_eq!(variables(|_| true), []);
    }
}
