//! Exercises as the page works with them: pure models, tested on the host. The exercise itself
//! (its task, checks, solution) is read by `warren_shared::exercise` in the views that open one;
//! what the page's first load needs (the locked paths) is read here from the scenario's
//! `exercise` JSON.
//!
//! - [`locks`]: what the learner may not change: which paths, whether a builder change touches
//!   them, what of an element is locked (for the canvas's lock marks and the forms).
//! - [`progress`]: not started, tried or passed, attempts and hints revealed, per exercise id.
//! - [`diff`]: how the solution differs from the learner's scenario, element by element.
//! - [`course`]: the course's table of contents (`exercises/index.json`).

pub mod course;
pub mod diff;
pub mod locks;
pub mod progress;
