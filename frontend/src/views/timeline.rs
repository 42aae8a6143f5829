//! The timeline under the canvas: one lane per actor, purged queue, policies, broker node and
//! the relay's connections, with a marker per step. Drag a marker to move its step (snapped to
//! 100 ms; one undo step when it is dropped), click it to select it (Delete removes it), edit
//! the selected step in the form below, or add a step with the form in the header. During and
//! after a run a playhead shows how far the run has got.
//!
//! What goes where is [`crate::model::timeline`]'s; this module only draws it and turns pointer and
//! form events into [`Playground::change`]s.

use super::exercises::lock_icon;
use super::{lang, notice, on_demand, tr, when_first_shown};
use crate::i18n::{Lang, Text, texts};
use crate::model::edit::Element;
use crate::model::exercise::locks::{self, Lock};
use crate::model::state::Status;
use crate::model::timeline::{
    self as model, Field, Lane, Marker, Scale, Timeline as Model, actions, at_ms_mut, duration_label, step_problems,
    steps_with_problems,
};
use crate::playground::Playground;
use leptos::prelude::*;
use std::collections::BTreeSet;
use warren_shared::{Policy, Start, Step};
use wasm_bindgen::JsCast;

/// Pointer travel, in pixels, below which a press is a click rather than a drag.
const DRAG_THRESHOLD_PX: f64 = 3.0;

/// A marker being dragged.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Drag {
    /// The step.
    step: usize,
    /// Its time when the press began.
    origin_ms: u64,
    /// Where the press began.
    start_x: f64,
    /// The lane's track width in pixels.
    width: f64,
    /// The axis at the press.
    scale: Scale,
    /// The time it has now.
    at_ms: u64,
    /// Whether it has moved beyond a click.
    moved: bool,
}

/// What the drawing reads besides the model: the dragged marker, the selection, the steps with
/// problems and the playhead.
#[derive(Clone, Copy)]
pub(crate) struct Live {
    pg: Playground,
    drag: RwSignal<Option<Drag>>,
    selected: Memo<Option<usize>>,
    flawed: Memo<BTreeSet<usize>>,
    run_ms: Memo<Option<u64>>,
    error: RwSignal<Option<String>>,
}

impl Live {
    /// Make a change and keep its refusal for this pane.
    fn change(self, change: impl FnOnce(&mut warren_shared::Scenario) -> Result<(), String>) {
        self.pg.try_change(change);
        self.refused();
    }

    /// Show here why the last change was refused, if it was.
    fn refused(self) {
        self.error.set(self.pg.doc.with_untracked(|d| d.edit_error.clone()));
    }

    fn select(self, step: usize) {
        self.pg.select(Some(Element::Step(step)));
    }
}

/// The timeline pane.
#[component]
pub(crate) fn Timeline(
    /// The scenario and the run.
    pg: Playground,
    /// The relay, whose hello names the cluster's nodes.
    status: RwSignal<Status>,
) -> impl IntoView {
    let cluster = Memo::new(move |_| {
        let nodes = pg.run.with(|r| r.nodes.clone()).or_else(|| {
            status.with(|s| {
                s.hello
                    .as_ref()
                    .and_then(|h| h.broker.as_ref())
                    .map(|b| b.nodes.clone())
            })
        });
        nodes
            .unwrap_or_default()
            .into_iter()
            .map(|n| n.name)
            .collect::<Vec<_>>()
    });
    let run_ms = Memo::new(move |_| {
        pg.run.with(|r| {
            r.phase.as_ref()?;
            Some(
                r.shown
                    .checked_sub(1)
                    .and_then(|i| r.events.get(i))
                    .map_or(0, |e| e.t_ms),
            )
        })
    });
    let model = Memo::new(move |_| {
        let run = run_ms.get().unwrap_or(0);
        let cluster = cluster.get();
        pg.doc
            .with(|d| d.editor.scenario.as_ref().map(|s| model::timeline(s, &cluster, run)))
    });
    let live = Live {
        pg,
        drag: RwSignal::new(None),
        selected: Memo::new(move |_| {
            pg.doc.with(|d| match d.selected {
                Some(Element::Step(i)) => Some(i),
                _ => None,
            })
        }),
        flawed: Memo::new(move |_| pg.doc.with(|d| steps_with_problems(&d.editor.problems))),
        run_ms,
        error: RwSignal::new(None),
    };
    // Open when the scenario has steps, closed (leaving the canvas its height) when it has none,
    // until the user opens or closes it.
    let has_steps = move || {
        pg.doc
            .with(|d| d.editor.scenario.as_ref().is_some_and(|s| !s.timeline.is_empty()))
    };
    let chosen = RwSignal::new(None::<bool>);
    let open = Signal::derive(move || chosen.get().unwrap_or_else(has_steps));

    let moved = window_event_listener(leptos::ev::pointermove, move |ev| {
        if let Some(mut d) = live.drag.get_untracked() {
            let dx = f64::from(ev.client_x()) - d.start_x;
            d.moved |= dx.abs() >= DRAG_THRESHOLD_PX;
            if d.moved {
                d.at_ms = d.scale.dragged(d.origin_ms, dx, d.width);
                live.drag.set(Some(d));
            }
        }
    });
    let dropped = window_event_listener(leptos::ev::pointerup, move |_| {
        let Some(d) = live.drag.get_untracked() else { return };
        live.drag.set(None);
        live.select(d.step);
        if d.moved && d.at_ms != d.origin_ms {
            live.change(|s| {
                let step = s.timeline.get_mut(d.step).ok_or(Text::StepGone.text(Lang::En))?;
                *at_ms_mut(step) = d.at_ms;
                Ok(())
            });
        }
    });
    let cancelled = window_event_listener(leptos::ev::pointercancel, move |_| live.drag.set(None));
    on_cleanup(move || {
        moved.remove();
        dropped.remove();
        cancelled.remove();
    });

    let lang = lang();
    // An exercise that locks its timeline (its faults, say): a padlock by the title.
    let locked = Memo::new(move |_| {
        pg.doc.with(|d| {
            d.editor
                .scenario
                .as_ref()
                .is_some_and(|s| locks::locked_paths(s).iter().any(|p| p == "timeline"))
        })
    });
    view! {
        <section class="timeline" class:closed=move || !open.get() data-testid="timeline" aria-label=tr(Text::Timeline)>
            <div class="tl-head">
                <button
                    type="button"
                    class="tl-toggle"
                    aria-expanded=move || open.get().to_string()
                    data-testid="timeline-toggle"
                    on:click=move |_| chosen.set(Some(!open.get_untracked()))
                >
                    <span aria-hidden="true">{move || if open.get() { "▾" } else { "▸" }}</span>
                    " "
                    {tr(Text::Timeline)}
                    " "
                    <span class="tl-count">
                        {move || texts::steps(model.with(|m| m.as_ref().map_or(0, |t| t.markers.len())), lang.get())}
                    </span>
                    {move || locked.get().then(|| lock_icon(move || texts::locked(&Lock { whole: true, ..Lock::default() }, lang.get()), 0.0, 0.0))}
                </button>
                <AddStep live=live cluster=cluster />
            </div>
            <div class="tl-body" class:hidden=move || !open.get()>
                {when_first_shown(move || open.get(), move || timeline_lanes(model, live))}
                {when_first_shown(move || live.selected.with(Option::is_some), move || step_form(live, cluster))}
                {move || {
                    live.error
                        .get()
                        .map(|e| view! { <p class="tl-error" role="alert" data-testid="timeline-error">{notice(e)}</p> })
                }}
            </div>
        </section>
    }
}

on_demand! {
    /// The axis and the lanes, drawn from when the timeline is first opened (a scenario without
    /// steps starts with it closed).
    pub(crate) fn timeline_lanes(model: Memo<Option<Model>>, live: Live) -> AnyView {
        (move || model.with(|m| m.as_ref().map(|t| lanes(t, live)))).into_any()
    }
    preload: preload_timeline_lanes
}

/// The axis and the lanes.
fn lanes(t: &Model, live: Live) -> impl IntoView + use<> {
    let scale = t.scale;
    let limit = (t.limit_ms < scale.span_ms).then_some(t.limit_ms);
    let ticks = scale
        .ticks()
        .into_iter()
        .map(|ms| {
            view! {
                <span class="tl-tick" style:left=scale.percent(ms)>
                    {duration_label(ms)}
                </span>
            }
        })
        .collect_view();
    let rows = t
        .lanes
        .iter()
        .enumerate()
        .map(|(index, lane)| {
            let markers: Vec<Marker> = t.markers.iter().filter(|m| m.lane == index).cloned().collect();
            let starts: Vec<Start> = t
                .starts
                .iter()
                .filter(|s| s.lane == index)
                .map(|s| s.rule.clone())
                .collect();
            lane_row(lane, markers, starts, scale, limit, live)
        })
        .collect_view();
    view! {
        <div class="tl-lanes" data-testid="timeline-lanes" data-span=scale.span_ms.to_string()>
            <div class="tl-row tl-axis">
                <span class="tl-label"></span>
                <div class="tl-track">{ticks} {guides(scale, limit, live)}</div>
            </div>
            {rows}
        </div>
    }
}

/// The run's time limit and the playhead, drawn in every track.
fn guides(scale: Scale, limit: Option<u64>, live: Live) -> impl IntoView {
    let playhead = move || {
        live.run_ms.get().map(|ms| {
            view! { <span class="tl-playhead" data-testid="timeline-playhead" style:left=scale.percent(ms)></span> }
        })
    };
    view! {
        {limit.map(|ms| {
            view! { <span class="tl-limit" title=tr(Text::TimeLimitHelp) style:left=scale.percent(ms)></span> }
        })}
        {playhead}
    }
}

fn lane_row(
    lane: &Lane,
    markers: Vec<Marker>,
    starts: Vec<Start>,
    scale: Scale,
    limit: Option<u64>,
    live: Live,
) -> impl IntoView + use<> {
    let lang = lang();
    let starts = starts
        .into_iter()
        .map(|rule| match rule {
            Start::AtMs(ms) => view! {
                <span class="tl-start" title=move || texts::starts_at(&duration_label(ms), lang.get()) style:left=scale.percent(ms)>
                    "▶"
                </span>
            }
            .into_any(),
            Start::After(actor) => view! { <span class="tl-tag">{move || texts::after(&actor, lang.get())}</span> }.into_any(),
            Start::OnStep => view! { <span class="tl-tag">{tr(Text::OnAStartStep)}</span> }.into_any(),
        })
        .collect_view();
    let markers = markers.into_iter().map(|m| marker(m, scale, live)).collect_view();
    let title = {
        let (known, name) = (lane.known, lane.name.clone());
        move || {
            if known {
                name.clone()
            } else {
                format!("{name}: {}", Text::NotInScenario.text(lang.get()))
            }
        }
    };
    let label = {
        let lane = lane.clone();
        move || lane.label_in(lang.get())
    };
    view! {
        <div
            class=format!("tl-row tl-lane lane-{}", lane.kind.as_str())
            class:unknown=!lane.known
            data-testid="timeline-lane"
            data-lane=lane.kind.as_str()
            data-name=lane.name.clone()
        >
            <span class="tl-label" title=title>{label}</span>
            <div class="tl-track">{starts} {markers} {guides(scale, limit, live)}</div>
        </div>
    }
}

fn marker(m: Marker, scale: Scale, live: Live) -> impl IntoView {
    let step = m.step;
    let dragged = move || {
        live.drag
            .with(|d| d.filter(|d| d.step == step && d.moved).map(|d| d.at_ms))
    };
    let at = move || dragged().unwrap_or(m.at_ms);
    // A cut is a bar as long as it lasts; other steps are points.
    let duration = m.duration_ms;
    let width = move || {
        duration.map_or_else(String::new, |d| {
            format!("{:.3}%", (scale.fraction(at() + d) - scale.fraction(at())) * 100.0)
        })
    };
    let lang = lang();
    let text = {
        let m = m.clone();
        move || dragged().map_or_else(|| m.label(lang.get()), duration_label)
    };
    let help = {
        let (m, at) = (m.clone(), duration_label(m.at_ms));
        move || texts::marker_help(&m.label(lang.get()), &at, lang.get())
    };
    let pressed = move |ev: leptos::ev::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        live.select(step);
        if live.pg.busy() {
            return;
        }
        ev.prevent_default();
        let width = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.parent_element())
            .map_or(0.0, |track| track.get_bounding_client_rect().width());
        live.drag.set(Some(Drag {
            step,
            origin_ms: m.at_ms,
            start_x: f64::from(ev.client_x()),
            width,
            scale,
            at_ms: m.at_ms,
            moved: false,
        }));
    };
    // Arrow keys move a focused marker by 100 ms (a second with Shift).
    let keyed = move |ev: leptos::ev::KeyboardEvent| {
        let sign: i64 = match ev.key().as_str() {
            "ArrowLeft" => -1,
            "ArrowRight" => 1,
            _ => return,
        };
        ev.prevent_default();
        let by = if ev.shift_key() { 1_000 } else { model::SNAP_MS } as i64;
        live.select(step);
        live.change(|s| {
            let step = s.timeline.get_mut(step).ok_or(Text::StepGone.text(Lang::En))?;
            let at = at_ms_mut(step);
            *at = at.saturating_add_signed(sign * by);
            Ok(())
        });
    };
    view! {
        <button
            type="button"
            class=format!("tl-marker action-{}", m.action)
            class:bar=m.duration_ms.is_some()
            class:selected=move || live.selected.get() == Some(step)
            class:flawed=move || live.flawed.with(|f| f.contains(&step))
            class:dragging=move || dragged().is_some()
            data-testid="timeline-marker"
            data-step=step.to_string()
            data-action=m.action
            data-at=move || at().to_string()
            title=help
            style:left=move || scale.percent(at())
            style:width=width
            on:pointerdown=pressed
            on:keydown=keyed
            on:click=move |_| live.select(step)
        >
            <i aria-hidden="true"></i>
            <span>{text}</span>
        </button>
    }
}

/// The header's form: add a step of an action at a time on a target.
#[component]
fn AddStep(live: Live, cluster: Memo<Vec<String>>) -> impl IntoView {
    let action = RwSignal::new("stop_node".to_owned());
    let at_ms = RwSignal::new(1_000_u64);
    let target = RwSignal::new(String::new());
    let choices = Memo::new(move |_| {
        let action = action.get();
        let cluster = cluster.get();
        live.pg.doc.with(|d| {
            d.editor
                .scenario
                .as_ref()
                .map(|s| model::targets(s, &action, &cluster))
                .unwrap_or_default()
        })
    });
    // A target that is no longer offered falls back to the first choice.
    Effect::new(move |_| {
        let choices = choices.get();
        if !choices.contains(&target.get_untracked()) {
            target.set(choices.first().cloned().unwrap_or_default());
        }
    });
    let busy = Memo::new(move |_| live.pg.run.with(|r| r.phase().active()));
    let add = move |_| {
        let (action, at, chosen) = (action.get_untracked(), at_ms.get_untracked(), target.get_untracked());
        let mut added = None;
        live.change(|s| {
            let step = model::new_step(s, &action, at, &chosen)?;
            s.timeline.push(step);
            added = Some(s.timeline.len() - 1);
            Ok(())
        });
        if let Some(index) = added {
            live.select(index);
        }
    };
    view! {
        <div class="tl-add" data-testid="timeline-add">
            <select
                aria-label=tr(Text::ActionOfNewStep)
                data-testid="timeline-add-action"
                on:change=move |ev| action.set(event_target_value(&ev))
            >
                {actions()
                    .map(|(value, words)| {
                        view! { <option value=value selected=move || action.with(|a| a == value)>{tr(words)}</option> }
                    })
                    .collect_view()}
            </select>
            <label>
                {tr(Text::At)}
                " "
                <input
                    type="number"
                    min="0"
                    step="100"
                    aria-label=tr(Text::TimeOfNewStep)
                    data-testid="timeline-add-at"
                    prop:value=move || at_ms.get().to_string()
                    on:change=move |ev| {
                        if let Ok(ms) = event_target_value(&ev).parse() {
                            at_ms.set(ms);
                        }
                    }
                />
                " "
                {tr(Text::Ms)}
            </label>
            <select
                aria-label=tr(Text::TargetOfNewStep)
                data-testid="timeline-add-target"
                class:hidden=move || action.with(|a| a == "cut_connections")
                on:change=move |ev| target.set(event_target_value(&ev))
            >
                {move || {
                    choices
                        .get()
                        .into_iter()
                        .map(|name| {
                            let shown = name.clone();
                            let is = name.clone();
                            view! { <option value=name selected=move || target.with(|t| *t == is)>{shown}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <button type="button" data-testid="timeline-add-button" disabled=move || busy.get() on:click=add>
                {tr(Text::AddStep)}
            </button>
        </div>
    }
}

on_demand! {
    /// The selected step's form.
    pub(crate) fn step_form(live: Live, cluster: Memo<Vec<String>>) -> AnyView {
        view! { <StepForm live=live cluster=cluster /> }.into_any()
    }
    preload: preload_step_form
}

/// The selected step's fields, with the problems validation found in each.
#[component]
fn StepForm(live: Live, cluster: Memo<Vec<String>>) -> impl IntoView {
    let chosen = Memo::new(move |_| {
        let index = live.selected.get()?;
        live.pg.doc.with(|d| {
            let s = d.editor.scenario.as_ref()?;
            let step = s.timeline.get(index)?.clone();
            let targets = model::targets(s, step.name(), &cluster.get());
            Some((index, step, targets, step_problems(&d.editor.problems, index)))
        })
    });
    let lang = lang();
    move || {
        let (index, step, mut targets, problems) = chosen.get()?;
        let action = model::action_words(&step);
        let problems_of = move |field: Field| {
            problems
                .iter()
                .filter(|(f, _)| *f == field)
                .map(|(_, message)| view! { <span class="tl-problem" data-testid="timeline-problem">{notice(message.clone())}</span> })
                .collect_view()
        };
        let set_time = move |ev: leptos::ev::Event| {
            let Ok(ms) = event_target_value(&ev).parse::<u64>() else {
                return;
            };
            live.change(|s| {
                *at_ms_mut(s.timeline.get_mut(index).ok_or(Text::StepGone.text(Lang::En))?) = ms;
                Ok(())
            });
        };
        let target_field = model::target(&step)
            .map(str::to_owned)
            .filter(|_| !matches!(step, Step::ApplyPolicy { .. }));
        let target_view = target_field.map(|current| {
            if !targets.contains(&current) {
                targets.insert(0, current.clone());
            }
            let set_target = move |ev: leptos::ev::Event| {
                let name = event_target_value(&ev);
                live.change(|s| {
                    let mut step = s.timeline.get(index).ok_or(Text::StepGone.text(Lang::En))?.clone();
                    model::set_target(s, &mut step, &name);
                    s.timeline[index] = step;
                    Ok(())
                });
            };
            view! {
                <label class="tl-field">
                    <span class="tl-name">{tr(Text::On)}</span>
                    <select data-testid="timeline-step-target" on:change=set_target>
                        {targets
                            .into_iter()
                            .map(|t| {
                                let selected = t == current;
                                let shown = t.clone();
                                view! { <option value=t selected=selected>{shown}</option> }
                            })
                            .collect_view()}
                    </select>
                    {problems_of(Field::Target)}
                </label>
            }
        });
        let duration_view = match &step {
            Step::CutConnections { duration_ms, .. } => Some({
                let set_duration = move |ev: leptos::ev::Event| {
                    let Ok(ms) = event_target_value(&ev).parse::<u64>() else {
                        return;
                    };
                    live.change(|s| match s.timeline.get_mut(index) {
                        Some(Step::CutConnections { duration_ms, .. }) => {
                            *duration_ms = ms;
                            Ok(())
                        }
                        _ => Err(Text::StepNoLongerCuts.text(Lang::En).to_owned()),
                    });
                };
                view! {
                    <label class="tl-field">
                        <span class="tl-name">{tr(Text::ForMs)}</span>
                        <input
                            type="number"
                            min="1"
                            step="100"
                            data-testid="timeline-step-duration"
                            prop:value=duration_ms.to_string()
                            on:change=set_duration
                        />
                        {problems_of(Field::Duration)}
                    </label>
                }
            }),
            _ => None,
        };
        let policy_view = match &step {
            Step::ApplyPolicy { policy, .. } => Some({
                let text = serde_json::to_string(policy).unwrap_or_default();
                let set_policy = move |ev: leptos::ev::Event| {
                    let text = event_target_value(&ev);
                    live.change(|s| {
                        let parsed: Policy = serde_json::from_str(&text)
                            .map_err(|e| format!("{}{e}", Text::PolicyNotValid.text(Lang::En)))?;
                        match s.timeline.get_mut(index) {
                            Some(Step::ApplyPolicy { policy, .. }) => {
                                *policy = parsed;
                                Ok(())
                            }
                            _ => Err(Text::StepNoLongerApplies.text(Lang::En).to_owned()),
                        }
                    });
                };
                view! {
                    <label class="tl-field tl-policy">
                        <span class="tl-name">{tr(Text::KindPolicy)}</span>
                        <textarea
                            rows="2"
                            spellcheck="false"
                            data-testid="timeline-step-policy"
                            prop:value=text
                            on:change=set_policy
                        ></textarea>
                        {problems_of(Field::Policy)}
                    </label>
                }
            }),
            _ => None,
        };
        let remove = move |_| {
            live.pg.delete_selected();
            live.refused();
        };
        Some(view! {
            <div class="tl-form" data-testid="timeline-step-form" data-step=index.to_string()>
                <strong class="tl-form-title">{move || texts::step_title(index + 1, action, lang.get())}</strong>
                <label class="tl-field">
                    <span class="tl-name">{tr(Text::AtMs)}</span>
                    <input
                        type="number"
                        min="0"
                        step="100"
                        data-testid="timeline-step-at"
                        prop:value=step.at_ms().to_string()
                        on:change=set_time
                    />
                    {problems_of(Field::Time)}
                </label>
                {target_view}
                {duration_view}
                {policy_view}
                <button type="button" class="tl-remove" data-testid="timeline-step-remove" on:click=remove>
                    {tr(Text::Remove)}
                </button>
                <span class="tl-field">{problems_of(Field::Step)}</span>
            </div>
        })
    }
}
