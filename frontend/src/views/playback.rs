//! The playback controls above the canvas: speed, pause (also Space), jump to the end of the
//! animation, Replay of a finished run from its recorded events, and a scrubber over the run's
//! time.
//!
//! The controls only call [`crate::frame::AnimLoop`] (and [`Playground::seek`] for the recorded
//! run); the clocks are in [`crate::model::playback`].

use super::{lang, tr};
use crate::frame::Anim;
use crate::i18n::Text;
use crate::model::playback::{Speed, run_time_text};
use crate::playground::Playground;
use leptos::prelude::*;

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
    let (resume_help, pause_help, play, pause) = (
        tr(Text::ResumeHelp),
        tr(Text::PauseHelp),
        tr(Text::Play),
        tr(Text::Pause),
    );
    let lang = lang();
    let speed_label = move |s: Speed| {
        move || match s {
            Speed::RealTime => Text::RealTime.text(lang.get()),
            s => s.label(),
        }
    };
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
        <div class="playback" data-testid="playback" role="group" aria-label=tr(Text::Playback)>
            <select
                data-testid="speed"
                aria-label=tr(Text::AnimationSpeed)
                title=tr(Text::SpeedHelp)
                data-speed=move || speed.get().value()
                on:change=on_speed
            >
                {Speed::ALL
                    .into_iter()
                    .map(|s| view! { <option value=s.value() selected=move || speed.get() == s>{speed_label(s)}</option> })
                    .collect_view()}
            </select>
            <button
                type="button"
                class="pause"
                data-testid="pause-button"
                aria-pressed=move || paused.get().to_string()
                title=move || if paused.get() { resume_help() } else { pause_help() }
                on:click=move |_| anim.with_value(|a| a.toggle_pause())
            >
                {move || if paused.get() { play() } else { pause() }}
            </button>
            <button
                type="button"
                class="jump-end"
                data-testid="jump-end-button"
                title=tr(Text::JumpToEndHelp)
                on:click=move |_| anim.with_value(|a| a.jump_to_end())
            >
                {tr(Text::JumpToEnd)}
            </button>
            <button
                type="button"
                class="replay"
                data-testid="replay-button"
                title=tr(Text::ReplayHelp)
                disabled=move || !replayable.get()
                on:click=move |_| anim.with_value(|a| pg.replay(a))
            >
                {tr(Text::Replay)}
            </button>
            <input
                type="range"
                class="scrub"
                data-testid="scrub"
                aria-label=tr(Text::RunTime)
                title=tr(Text::ScrubHelp)
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
