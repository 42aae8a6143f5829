//! The playback controls above the canvas: speed, pause (also Space), jump to the end of the
//! animation, Replay of a finished run from its recorded events, and a scrubber over the run's
//! time.
//!
//! The controls only call [`crate::frame::AnimLoop`] (and [`Playground::seek`] for the recorded
//! run); the clocks are in [`crate::model::playback`].

use crate::frame::Anim;
use crate::i18n::Words;
use crate::model::playback::{Speed, run_time_text};
use crate::playground::Playground;
use leptos::prelude::*;

/// What the speed control's tooltip says 1× and real time mean.
const SPEED_HELP: &str = "Animation speed. 1× is the page's normal pace: tokens travel at their usual speed, a burst of \
messages published in the same instant is let out over up to about 2 s so each one can be seen, and a replay goes \
through the run's time as fast as the wall clock. 0.25× to 4× slow all of that down or speed it up. Real time \
follows the run's own clock: each token leaves when its event happened, bursts leave together (beyond the token cap \
they are counted), tokens travel at the 1× speed.";

#[component]
pub(crate) fn PlaybackBar(pg: Playground, anim: Anim) -> impl IntoView {
    let (speed, paused, position) = anim.with_value(|a| (a.speed, a.paused, a.position));
    let end = Memo::new(move |_| pg.run.with(|r| r.end_ms() as f64));
    // A finished run with events can be replayed and scrubbed; a run going on cannot.
    let replayable = Memo::new(move |_| pg.run.with(|r| !r.events.is_empty() && !r.phase().active()));
    // Where the animation is: a replay's run clock, else the last event it has reached.
    let shown_at = move || {
        position
            .get()
            .unwrap_or_else(|| pg.run.with(|r| if r.shows_all() { r.end_ms() } else { r.shown_ms() }) as f64)
    };
    let lang = super::lang();
    let on_speed = move |ev| {
        if let Some(speed) = Speed::from_value(&event_target_value(&ev)) {
            anim.with_value(|a| a.set_speed(speed));
        }
    };
    let on_scrub = move |ev| {
        let t_ms = event_target::<web_sys::HtmlInputElement>(&ev).value_as_number();
        if t_ms.is_finite() {
            anim.with_value(|a| pg.seek(a, t_ms));
        }
    };
    view! {
        <div class="playback" data-testid="playback" role="group" aria-label="Playback">
            <select
                data-testid="speed"
                aria-label="Animation speed"
                title=SPEED_HELP
                data-speed=move || speed.get().value()
                on:change=on_speed
            >
                {Speed::ALL
                    .into_iter()
                    .map(|s| view! { <option value=s.value() selected=move || speed.get() == s>{s.label()}</option> })
                    .collect_view()}
            </select>
            <button
                type="button"
                class="pause"
                data-testid="pause-button"
                aria-pressed=move || paused.get().to_string()
                title=move || if paused.get() { "Resume the animation (Space)" } else { "Pause the animation (Space)" }
                on:click=move |_| anim.with_value(|a| a.toggle_pause())
            >
                {move || if paused.get() { "▶ Play" } else { "❚❚ Pause" }}
            </button>
            <button
                type="button"
                class="jump-end"
                data-testid="jump-end-button"
                title=move || Words::JumpToEndHelp.text(lang.get())
                on:click=move |_| anim.with_value(|a| a.jump_to_end())
            >
                {move || Words::JumpToEnd.text(lang.get())}
            </button>
            <button
                type="button"
                class="replay"
                data-testid="replay-button"
                title="Play the recorded run again, without the broker"
                disabled=move || !replayable.get()
                on:click=move |_| anim.with_value(|a| pg.replay(a))
            >
                "↺ Replay"
            </button>
            <input
                type="range"
                class="scrub"
                data-testid="scrub"
                aria-label="Run time"
                title="Jump to a moment of the recorded run"
                min="0"
                max=move || end.get().to_string()
                step="1"
                prop:value=move || format!("{:.0}", shown_at())
                disabled=move || !replayable.get()
                on:input=on_scrub
            />
            <span class="scrub-time" data-testid="scrub-time">
                {move || format!("{} / {}", run_time_text(shown_at()), run_time_text(end.get()))}
            </span>
        </div>
    }
}
