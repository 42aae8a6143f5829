//! The stage: the cluster strip, the problems of a refused run, the topology on an SVG canvas
//! (with live counts on nodes and edges, the highlighted paths of chosen messages and a padlock on
//! what an exercise locks), and the legend.

use crate::frame::Anim;
use crate::i18n::{Text, texts};
use crate::model::exercise::locks::{self, Lock};
use crate::model::layout::{EdgeKind, Layout, NodeKind};
use crate::model::run::Phase;
use crate::model::state::{Status, count};
use crate::playground::Playground;
use crate::views::advice::{AdviceList, AdviceMarks};
use crate::views::editing::{CanvasGestures, EditNotice, EditOverlay};
use crate::views::exercises::lock_icon;
use crate::views::{lang, notice, problem_item, tr};
use leptos::prelude::*;

#[component]
pub(crate) fn Stage(pg: Playground, status: RwSignal<Status>, anim: Anim) -> impl IntoView {
    let nodes = Memo::new(move |_| {
        pg.run
            .with(|r| r.nodes.clone())
            .or_else(|| {
                status.with(|s| {
                    s.hello
                        .as_ref()
                        .and_then(|h| h.broker.as_ref())
                        .map(|b| b.nodes.clone())
                })
            })
            .unwrap_or_default()
    });
    // Nodes a fault hit a moment ago (in run time) flash.
    let faulted = Memo::new(move |_| {
        pg.run
            .with(|r| crate::model::timeline::recent_node_faults(&r.events, r.shown))
    });
    let cluster = move || {
        nodes
            .get()
            .into_iter()
            .map(|node| {
                let short = node.name.split('@').next().unwrap_or(&node.name).to_owned();
                view! {
                    <li
                        class="cluster-node"
                        class:down=!node.running
                        class:faulted=faulted.with(|f| f.contains(&node.name))
                        data-testid="cluster-node"
                        data-running=node.running.to_string()
                        title=node.name.clone()
                    >
                        <span class="dot" aria-hidden="true"></span>
                        {short}
                        <span class="node-state">{tr(if node.running { Text::Up } else { Text::Down })}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let problems = move || {
        let (phase, problems, error) = pg.run.with(|r| (r.phase(), r.problems.clone(), r.error.clone()));
        match phase {
            Phase::Invalid => Some(
                view! {
                    <div class="problems" data-testid="problems" role="alert">
                        <strong>{tr(Text::NotRunFixFirst)}</strong>
                        <ul>
                            {problems.into_iter().map(|p| problem_item(p, "problem")).collect_view()}
                        </ul>
                    </div>
                }
                .into_any(),
            ),
            Phase::Failed => Some(
                view! {
                    <div class="problems" data-testid="run-error" role="alert">
                        <strong>{tr(Text::RunCouldNotGoOn)}</strong>
                        {notice(error.unwrap_or_default())}
                    </div>
                }
                .into_any(),
            ),
            _ => None,
        }
    };
    let counting = anim.with_value(|a| a.counting);
    view! {
        <div class="stage-top">
            <ul class="cluster" data-testid="cluster" aria-label=tr(Text::ClusterNodes)>{cluster}</ul>
            <div
                class="counting"
                data-testid="counting"
                class:visible=move || counting.get()
                title=tr(Text::CountingHelp)
            >
                {tr(Text::Counting)}
            </div>
            <crate::views::playback::PlaybackBar pg=pg anim=anim />
        </div>
        {problems}
        <Canvas pg=pg anim=anim />
        <crate::views::timeline::Timeline pg=pg status=status />
        <Legend />
    }
}

#[component]
fn Legend() -> impl IntoView {
    let kinds = [
        ("publisher", Text::KindPublisher),
        ("exchange", Text::KindExchange),
        ("queue", Text::KindQueue),
        ("consumer", Text::KindConsumer),
    ];
    let outcomes = [
        ("flying", Text::InFlight),
        ("acked", Text::Acked),
        ("delivered", Text::Delivered),
        ("nacked", Text::Nacked),
        ("returned", Text::Returned),
        ("backedup", Text::BackedUp),
        ("deadlettered", Text::DeadLettered),
        ("lost", Text::Lost),
    ];
    view! {
        <div class="legend" data-testid="legend">
            {kinds
                .into_iter()
                .map(|(class, label)| {
                    view! {
                        <span class=format!("key kind-{class}")>
                            <i aria-hidden="true"></i>
                            {tr(label)}
                        </span>
                    }
                })
                .collect_view()}
            <span class="sep" aria-hidden="true"></span>
            {outcomes
                .into_iter()
                .map(|(class, label)| {
                    view! {
                        <span class=format!("key tone-{class}")>
                            <b aria-hidden="true"></b>
                            {tr(label)}
                        </span>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn Canvas(pg: Playground, anim: Anim) -> impl IntoView {
    let layout = Memo::new(move |_| pg.doc.with(|d| d.layout.clone()));
    let trail = Memo::new(move |_| {
        pg.run
            .with(|r| (!r.selected.is_empty()).then(|| pg.doc.with(|d| r.trail(&r.selected, &d.layout))))
    });
    let layer = NodeRef::<leptos::html::Canvas>::new();
    let svg = NodeRef::<leptos::svg::Svg>::new();
    Effect::new(move |_| {
        if let (Some(canvas), Some(svg)) = (layer.get(), svg.get()) {
            let svg: &web_sys::Element = &svg;
            anim.with_value(|a| a.set_layer(canvas, svg.clone()));
        }
    });
    let view_box = move || layout.with(|l| format!("0 0 {:.0} {:.0}", l.width, l.height));
    let clear = move |_| pg.run.update(|r| r.selected.clear());
    // An exercise's locked paths: a padlock on what they lock.
    let locked = Memo::new(move |_| {
        pg.doc
            .with(|d| d.editor.scenario.as_ref().map(locks::locked_paths).unwrap_or_default())
    });
    let drawing = move || layout.with(|l| draw(l, pg, trail, locked));
    let gestures = CanvasGestures::new(pg, svg);
    view! {
        <div class="canvas-wrap">
            <svg
                class="canvas"
                data-testid="canvas"
                node_ref=svg
                viewBox=view_box
                preserveAspectRatio="xMidYMid meet"
                role="img"
                aria-label=tr(Text::Topology)
                on:click=clear
                on:pointerdown=move |ev| gestures.down(&ev)
                on:pointermove=move |ev| gestures.moved(&ev)
                on:pointerup=move |ev| gestures.up(&ev)
                on:pointercancel=move |ev| gestures.up(&ev)
                on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
                on:drop=move |ev| gestures.drop(&ev)
            >
                <defs>
                    {["publish", "binding", "default", "alternate", "dead-letter", "consume"]
                        .into_iter()
                        .map(|kind| {
                            view! {
                                <marker
                                    id=format!("arrow-{kind}")
                                    viewBox="0 0 10 10"
                                    refX="9"
                                    refY="5"
                                    markerWidth="7"
                                    markerHeight="7"
                                    orient="auto-start-reverse"
                                >
                                    <path class=format!("arrow {kind}") d="M0,1 L9,5 L0,9 z"></path>
                                </marker>
                            }
                        })
                        .collect_view()}
                </defs>
                {drawing}
                <AdviceMarks pg=pg layout=layout />
                <EditOverlay pg=pg gestures=gestures layout=layout />
            </svg>
            <canvas class="token-layer" data-testid="token-layer" data-live="0" data-drawn="0" aria-hidden="true" node_ref=layer></canvas>
            <AdviceList pg=pg layout=layout />
            <EditNotice pg=pg />
            {move || {
                layout
                    .with(|l| l.nodes.is_empty())
                    .then(|| {
                        view! {
                            <p class="empty">
                                {tr(Text::NothingToDraw)}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

type Trail = Memo<Option<(std::collections::HashSet<usize>, std::collections::HashSet<usize>)>>;

/// Edges and nodes; the parts that change during a run read the playground themselves.
fn draw(l: &Layout, pg: Playground, trail: Trail, locked: Memo<Vec<String>>) -> impl IntoView + use<> {
    let lang = lang();
    let edges = l
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let curve = l.edge_curve(i);
            let mid = curve.at(0.5);
            let kind = e.kind.as_str();
            // The default exchange's edges say "by queue name" with their dots; other labels
            // are cut to the gap between the columns (the full text is in the tooltip).
            let full_label = if e.kind == EdgeKind::Default {
                String::new()
            } else {
                e.label.clone()
            };
            let label = {
                let (alternate, full) = (e.kind == EdgeKind::Alternate, full_label.clone());
                move || {
                    let label = texts::canvas_label(&full, lang.get());
                    if alternate { label } else { truncate(&label, 9) }
                }
            };
            let full_label = {
                let full = full_label.clone();
                move || texts::canvas_label(&full, lang.get())
            };
            let hl = move || trail.with(|t| t.as_ref().map(|(_, edges)| edges.contains(&i)));
            let traffic = move || {
                Some(pg.run.with(|r| r.edge_traffic.get(i).copied().unwrap_or(0)))
                    .filter(|n| *n > 0)
                    .map(|n| format!("×{}", count(n)))
            };
            // Clear of the tokens riding the line (a labelled token reaches 8 units off it): the
            // key above, the count below.
            let label_y = if e.kind == EdgeKind::Alternate {
                mid.1 + 4.0
            } else {
                mid.1 - 11.0
            };
            let label_x = if e.kind == EdgeKind::Alternate {
                mid.0 + 8.0
            } else {
                mid.0
            };
            let anchor = if e.kind == EdgeKind::Alternate {
                "start"
            } else {
                "middle"
            };
            view! {
                <g
                    class=format!("edge {kind}")
                    class:hl=move || hl() == Some(true)
                    class:dim=move || hl() == Some(false)
                    data-testid=format!("edge-{kind}")
                >
                    <title>{full_label}</title>
                    <path d=curve.svg() marker-end=format!("url(#arrow-{kind})")></path>
                    <text class="edge-label" x=format!("{:.1}", label_x) y=format!("{:.1}", label_y) text-anchor=anchor>
                        {label}
                    </text>
                    <text
                        class="edge-count"
                        data-testid="edge-count"
                        x=format!("{:.1}", label_x)
                        y=format!("{:.1}", if e.kind == EdgeKind::Alternate { label_y + 17.0 } else { mid.1 + 21.0 })
                        text-anchor=anchor
                    >
                        {traffic}
                    </text>
                </g>
            }
        })
        .collect_view();
    let nodes = l
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let kind = n.kind;
            let name = n.name.clone();
            let hl = move || trail.with(|t| t.as_ref().map(|(nodes, _)| nodes.contains(&i)));
            // The lines inside the box (HTML, so that long ones end in "…") and what is drawn
            // under it.
            let (lines, under) = match kind {
                NodeKind::Queue => queue_lines(pg, name.clone(), n.w, n.h),
                NodeKind::Publisher | NodeKind::Consumer => actor_lines(pg, kind, name.clone(), n.h),
                NodeKind::Exchange => (().into_any(), ().into_any()),
            };
            let tip = format!("{} {}\n{}", kind.as_str(), n.label, n.subtitle);
            let title = {
                let label = n.label.clone();
                move || texts::canvas_label(&label, lang.get())
            };
            let lock = {
                let name = name.clone();
                Memo::new(move |_| locked.with(|p| locks::lock_of(p, locks::list_of(kind), &name)))
            };
            let n_w = n.w;
            let lock_mark = move || {
                lock.with(Lock::any).then(|| {
                    let title = move || lock.with(|l| texts::locked(l, lang.get()));
                    lock_icon(title, n_w - 16.0, 4.0)
                })
            };
            let tags: Vec<String> = n.subtitle.split(" · ").map(str::to_owned).collect();
            let tags = move || {
                let lang = lang.get();
                tags.iter()
                    .map(|t| view! { <span class="tag">{crate::i18n::tag(t, lang)}</span> })
                    .collect_view()
            };
            view! {
                <g
                    class=format!("node kind-{}", kind.as_str())
                    class:hl=move || hl() == Some(true)
                    class:dim=move || hl() == Some(false)
                    data-testid=format!("node-{}", kind.as_str())
                    data-name=name.clone()
                    transform=format!("translate({:.1} {:.1})", n.x, n.y)
                >
                    <rect class="box" width=format!("{:.0}", n.w) height=format!("{:.0}", n.h) rx="9"></rect>
                    <rect class="stripe" width="5" height=format!("{:.0}", n.h) rx="2"></rect>
                    <foreignObject x="10" y="4" width=format!("{:.0}", n.w - 14.0) height=format!("{:.0}", n.h - 8.0)>
                        <div class="nb" title=tip>
                            <div class="title">{title}</div>
                            <div class="tags">{tags}</div>
                            {lines}
                        </div>
                    </foreignObject>
                    {under}
                    {lock_mark}
                </g>
            }
        })
        .collect_view();
    view! {
        <g class="edges">{edges}</g>
        <g class="nodes">{nodes}</g>
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut out: String = text.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

/// A queue's depth (as numbers and a bar), memory and placement inside its box, and the outline
/// and words under it when its leader's node is down.
fn queue_lines(pg: Playground, name: String, w: f64, h: f64) -> (AnyView, AnyView) {
    let snapshot = {
        let name = name.clone();
        Memo::new(move |_| pg.run.with(|r| r.queues.get(&name).cloned()))
    };
    // The node holding the queue's leader is reported down.
    let leader_down = Memo::new(move |_| {
        let leader = snapshot.with(|s| s.as_ref().and_then(|s| s.node.clone()));
        leader.is_some_and(|leader| {
            pg.run.with(|r| {
                r.nodes
                    .as_ref()
                    .is_some_and(|nodes| nodes.iter().any(|n| n.name == leader && !n.running))
            })
        })
    });
    let lang = lang();
    let depth = move || {
        snapshot.with(|s| match s {
            Some(s) => format!("ready {} · unacked {}", count(s.ready), count(s.unacked)),
            None => Text::NoSnapshotYet.text(lang.get()).to_owned(),
        })
    };
    // The ready count as a number, and where it was read: over AMQP as it changed, or from the
    // management API's sampled statistics (see docs/protocol.md).
    let ready = move || snapshot.with(|s| s.as_ref().map(|s| s.ready.to_string()));
    let ready_source = move || {
        snapshot.with(|s| {
            s.as_ref()
                .map(|s| if s.ready_at_ms.is_some() { "amqp" } else { "management" })
        })
    };
    let memory = move || {
        snapshot.with(|s| {
            s.as_ref()
                .map(|s| match lang.get() {
                    crate::Lang::En => format!("RAM {} · paged out {}", count(s.in_ram), count(s.paged_out)),
                    crate::Lang::Zh => format!("内存 {} · 换出 {}", count(s.in_ram), count(s.paged_out)),
                })
                .unwrap_or_default()
        })
    };
    let promotion = {
        let name = name.clone();
        Memo::new(move |_| pg.run.with(|r| r.counts.promotions.get(&name).cloned()))
    };
    let placement = move || {
        snapshot.with(|s| {
            let Some(s) = s else { return String::new() };
            let short = |n: &String| n.split('@').next().unwrap_or(n).to_owned();
            let lang = lang.get();
            let mut text = s
                .node
                .as_ref()
                .map(|n| texts::on_node(&short(n), lang))
                .unwrap_or_default();
            if !s.mirrors.is_empty() {
                let mirrors: Vec<String> = s.mirrors.iter().map(short).collect();
                text.push_str(&texts::mirrors(&mirrors.join(","), lang));
                if s.unsynchronised() {
                    text.push(' ');
                    text.push_str(Text::Unsynced.text(lang));
                }
            }
            if !s.members.is_empty() {
                text.push_str(&texts::members_up(s.online.len(), s.members.len(), lang));
            }
            text
        })
    };
    // Ready (solid) and unacked (light) as a bar under the numbers, in percent of its width.
    let bar = move || {
        snapshot.with(|s| {
            let (ready, unacked) = s.as_ref().map_or((0, 0), |s| (s.ready, s.unacked));
            let total = (ready + unacked).max(1) as f64;
            let scale = 100.0 * ((ready + unacked) as f64).min(1.0);
            (scale * ready as f64 / total, scale * unacked as f64 / total)
        })
    };
    let lines = view! {
        <div class="line depth" data-testid=format!("queue-depth-{name}") data-ready=ready data-ready-source=ready_source>{depth}</div>
        <div class="qbar">
            <i class="bar-ready" style:width=move || format!("{:.1}%", bar().0)></i>
            <i class="bar-unacked" style:width=move || format!("{:.1}%", bar().1)></i>
        </div>
        <div class="line memory">{memory}</div>
        <div class="line placement">{placement}</div>
    };
    let under = view! {
        <g class="leader-state" class:down=move || leader_down.get()>
            <rect class="down-outline" x="-2" y="-2" width=format!("{:.0}", w + 4.0) height=format!("{:.0}", h + 4.0) rx="11"></rect>
            {move || {
                leader_down
                    .get()
                    .then(|| {
                        view! {
                            <text class="leader-down" x="13" y=format!("{:.0}", h + 13.0) data-testid="queue-leader-down">
                                {tr(Text::LeaderDown)}
                            </text>
                        }
                    })
            }}
        </g>
        // The leader's latest move, once its old node is no longer what is shown as down.
        {move || {
            let moved = promotion.get()?;
            (!leader_down.get()).then(|| {
                let short = |n: &str| n.split('@').next().unwrap_or(n).to_owned();
                view! {
                    <text
                        class="promotion"
                        x="13"
                        y=format!("{:.0}", h + 13.0)
                        data-testid="queue-promotion"
                        data-from=moved.from.clone()
                        data-to=moved.to.clone()
                    >
                        {format!("{} {} → {}", Text::Leader.text(lang.get()), short(&moved.from), short(&moved.to))}
                    </text>
                }
            })
        }}
    };
    (lines.into_any(), under.into_any())
}

/// An actor's counts inside its box and, in red just under it, the reply code RabbitMQ closed
/// its channel with (the whole text is in the log).
fn actor_lines(pg: Playground, kind: NodeKind, name: String, h: f64) -> (AnyView, AnyView) {
    let lang = lang();
    let counts = {
        let name = name.clone();
        move || {
            pg.run.with(|r| match kind {
                NodeKind::Publisher => r.counts.per_publisher.get(&name).map(|(acked, nacked, returned)| {
                    let mut parts = vec![format!("✓ {}", count(*acked))];
                    if *nacked > 0 {
                        parts.push(format!("✗ {}", count(*nacked)));
                    }
                    if *returned > 0 {
                        parts.push(format!("↩ {}", count(*returned)));
                    }
                    parts.join("  ")
                }),
                _ => r
                    .counts
                    .per_consumer
                    .get(&name)
                    .map(|n| texts::received(&count(*n), lang.get())),
            })
        }
    };
    let closed = {
        let name = name.clone();
        move || {
            pg.run.with(|r| {
                r.counts
                    .closed
                    .get(&name)
                    .map(|words| texts::closed(words.split(" - ").next().unwrap_or_default(), lang.get()))
            })
        }
    };
    // A consumer the broker cancelled (its queue's leader moved, say), until it consumes again;
    // then that it did.
    let state = move || {
        pg.run.with(|r| {
            let c = &r.counts;
            if c.closed.contains_key(&name) {
                None
            } else {
                let lang = lang.get();
                // Redeliveries (counted in "received" too) on a line of their own.
                let redelivered = c.redelivered.get(&name).map(|n| texts::redelivered(&count(*n), lang));
                let (class, state) = if c.cancelled.contains_key(&name) {
                    ("cancelled", Some(Text::CancelledByRabbitMq.text(lang).to_owned()))
                } else {
                    let again = c.reconsumed.get(&name).map(|times| match times {
                        1 => Text::ConsumingAgain.text(lang).to_owned(),
                        _ => format!("{} (×{times})", Text::ConsumingAgain.text(lang)),
                    });
                    ("again", again)
                };
                (state.is_some() || redelivered.is_some()).then_some((class, state, redelivered))
            }
        })
    };
    let state_class = state.clone();
    (
        view! { <div class="line counts">{counts}</div> }.into_any(),
        view! {
            <text class="closed" x="13" y=format!("{:.0}", h + 13.0) data-testid="actor-closed">
                {closed}
            </text>
            <text
                class=move || format!("actor-state {}", state_class().map_or("", |(class, ..)| class))
                x="13"
                y=format!("{:.0}", h + 13.0)
                data-testid="actor-state"
            >
                {move || {
                    state()
                        .map(|(_, state, redelivered)| {
                            let dy = if redelivered.is_some() { "1.2em" } else { "0" };
                            view! {
                                <tspan>{state}</tspan>
                                <tspan class="redelivered" x="13" dy=dy>
                                    {redelivered}
                                </tspan>
                            }
                        })
                }}
            </text>
        }
        .into_any(),
    )
}
