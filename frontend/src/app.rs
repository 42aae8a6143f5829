//! The playground page: gallery, canvas, inspector, event log and summary.
//!
//! [`App`] owns the socket and the keyboard; [`PlaygroundView`] is the screen itself and takes
//! everything it needs as arguments, so browser tests mount it without a relay and feed it
//! messages through [`apply_server_message`].

use crate::components::StatusPanel;
use crate::frame::AnimLoop;
use crate::gallery;
use crate::i18n::{self, Lang};
use crate::layout::{EdgeKind, Layout, NodeKind};
use crate::playground::Playground;
use crate::run::{self, LogFilter, Phase};
use crate::share::{self, ShareBanner, ShareBar};
use crate::socket::{RelaySocket, page_ws_url};
use crate::state::{Connection, Status, count};
use leptos::prelude::*;
use std::rc::Rc;
use warren_shared::{ClientMessage, Outcome, ServerMessage};

/// Height of one event-log row, in pixels (the log draws only the rows in view).
pub const LOG_ROW_HEIGHT: f64 = 24.0;

/// The animation loop, as components hold it.
pub type Anim = StoredValue<Rc<AnimLoop>, LocalStorage>;

/// Hand a run message from the relay to the playground and the animation.
pub fn apply_server_message(pg: RwSignal<Playground>, anim: &Rc<AnimLoop>, message: ServerMessage) {
    match message {
        ServerMessage::Accepted { run_id } => pg.update(|p| p.run.accepted(run_id)),
        ServerMessage::Invalid { problems } => pg.update(|p| p.run.invalid(problems)),
        ServerMessage::Events { events, .. } => {
            anim.push(&events);
            pg.update(|p| {
                let Playground { run, layout, .. } = p;
                run.append(events, layout);
            });
        }
        ServerMessage::Finished { outcome, summary, .. } => pg.update(|p| p.run.finished(outcome, summary)),
        ServerMessage::Error { message } => pg.update(|p| p.run.failed(message)),
        ServerMessage::Hello { .. } => {}
    }
}

/// The whole page: the socket, the keyboard, and the playground.
#[component]
pub fn App() -> impl IntoView {
    let url = page_ws_url();
    let status = RwSignal::new(Status::connecting(url.clone()));
    // A link's fragment (`#s=…`) opens the scenario it carries.
    let pg = RwSignal::new(Playground::opened_at(&share::location_hash()));
    let anim: Anim = StoredValue::new_local(AnimLoop::new());
    let socket = StoredValue::new_local(None::<RelaySocket>);
    let on_run: Rc<dyn Fn(ServerMessage)> = Rc::new(move |message| {
        let handle = anim.get_value();
        apply_server_message(pg, &handle, message);
    });
    let open = {
        let on_run = Rc::clone(&on_run);
        move || {
            socket.set_value(None);
            socket.set_value(RelaySocket::open(&url, status, Rc::clone(&on_run)));
        }
    };
    open();
    let opener = StoredValue::new_local(open);
    let reconnect = Callback::new(move |()| opener.with_value(|open| open()));

    // The relay's limits replace the defaults for validation.
    Effect::new(move |_| {
        if let Some(limits) = status.with(|s| s.hello.as_ref().map(|h| h.limits.clone())) {
            pg.update(|p| p.set_limits(limits));
        }
    });
    // The page has lost its socket: a run that was going on is over for the page.
    Effect::new(move |_| {
        if status.with(|s| matches!(s.connection, Connection::Disconnected { .. }))
            && pg.with_untracked(|p| p.run.phase().active())
        {
            pg.update(|p| {
                p.run
                    .failed("the connection to the relay was lost during the run".to_owned())
            });
        }
    });

    let send = move |message: ClientMessage| {
        socket.with_value(|s| match s {
            Some(socket) => socket.send(&message),
            None => Err("not connected to the relay".to_owned()),
        })
    };
    let on_run_click = Callback::new(move |()| {
        if let Some(Ok(value)) = pg.try_update(Playground::begin_run) {
            anim.with_value(|a| a.reset(pg.with_untracked(|p| p.layout.clone())));
            if let Err(error) = send(ClientMessage::Run { scenario: value }) {
                pg.update(|p| p.run.failed(error));
            }
        }
    });
    let on_stop_click = Callback::new(move |()| {
        if pg.with_untracked(|p| p.run.phase().active()) {
            pg.update(|p| p.run.stopping());
            if let Err(error) = send(ClientMessage::Stop) {
                pg.update(|p| p.run.failed(error));
            }
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            on_run_click.run(());
        } else if ev.key() == "Escape" {
            on_stop_click.run(());
        }
    });
    on_cleanup(move || keys.remove());

    view! {
        <PlaygroundView
            pg=pg
            status=status
            anim=anim
            on_run=on_run_click
            on_stop=on_stop_click
            on_reconnect=reconnect
        />
    }
}

/// The screen: header, gallery, canvas, inspector, log and summary.
#[component]
pub fn PlaygroundView(
    /// The scenario and the run.
    pg: RwSignal<Playground>,
    /// The connection to the relay.
    status: RwSignal<Status>,
    /// The animation loop.
    anim: Anim,
    /// Run was asked for (button or Ctrl+Enter).
    on_run: Callback<()>,
    /// Stop was asked for (button or Esc).
    on_stop: Callback<()>,
    /// Reconnect was asked for.
    #[prop(optional)]
    on_reconnect: Option<Callback<()>>,
) -> impl IntoView {
    let phase = Memo::new(move |_| pg.with(|p| p.run.phase()));
    let lang = RwSignal::new(i18n::initial());
    provide_context(lang);
    let load = Callback::new(move |stem: &'static str| {
        if pg.try_update(|p| p.load_example(stem)).unwrap_or(false) {
            anim.with_value(|a| a.reset(pg.with_untracked(|p| p.layout.clone())));
        }
    });
    view! {
        <div class="app">
            <Header pg=pg status=status phase=phase on_run=on_run on_stop=on_stop />
            <ShareBanner pg=pg />
            <aside class="gallery" aria-label="Examples">
                <Gallery pg=pg phase=phase on_load=load />
            </aside>
            <section class="stage" aria-label="Canvas">
                <Stage pg=pg status=status anim=anim />
            </section>
            <aside class="inspector" aria-label="Inspector">
                <Inspector pg=pg status=status phase=phase on_reconnect=on_reconnect />
            </aside>
            <section class="log" aria-label="Event log">
                <EventLog pg=pg />
            </section>
            <section class="summary" aria-label="Summary">
                <SummaryPanel pg=pg phase=phase />
            </section>
        </div>
    }
}

#[component]
fn Header(
    pg: RwSignal<Playground>,
    status: RwSignal<Status>,
    phase: Memo<Phase>,
    on_run: Callback<()>,
    on_stop: Callback<()>,
) -> impl IntoView {
    let title = Memo::new(move |_| {
        pg.with(|p| {
            p.editor
                .scenario
                .as_ref()
                .map(|s| s.name.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "Untitled scenario".to_owned())
        })
    });
    let connection = move || status.with(|s| s.connection.label());
    let phase_text = move || match phase.get() {
        Phase::Idle => "ready".to_owned(),
        Phase::Starting => "starting…".to_owned(),
        Phase::Running { .. } => "running".to_owned(),
        Phase::Stopping => "stopping…".to_owned(),
        Phase::Finished { outcome } => outcome_text(outcome).to_owned(),
        Phase::Invalid => "not run: fix the problems".to_owned(),
        Phase::Failed => "failed".to_owned(),
    };
    let theme = RwSignal::new("auto");
    let toggle_theme = move |_| {
        let next = match theme.get_untracked() {
            "auto" => "dark",
            "dark" => "light",
            _ => "auto",
        };
        theme.set(next);
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", next);
        }
    };
    view! {
        <header class="bar">
            <div class="brand">
                <span class="logo" aria-hidden="true"></span>
                <span class="brand-name">"Warren"</span>
            </div>
            <div class="scenario-title" data-testid="scenario-title">{title}</div>
            <ShareBar pg=pg />
            <div class="controls">
                <button
                    type="button"
                    class="run"
                    data-testid="run-button"
                    title="Run on the broker (Ctrl+Enter)"
                    disabled=move || phase.get().active()
                    on:click=move |_| on_run.run(())
                >
                    <span aria-hidden="true">"▶"</span>
                    " Run"
                </button>
                <button
                    type="button"
                    class="stop"
                    data-testid="stop-button"
                    title="Stop the run (Esc)"
                    disabled=move || !phase.get().active()
                    on:click=move |_| on_stop.run(())
                >
                    <span aria-hidden="true">"■"</span>
                    " Stop"
                </button>
                <span class="phase" data-testid="run-phase" data-phase=move || phase.get().label()>
                    {phase_text}
                </span>
            </div>
            <div class="conn" data-testid="connection-indicator" data-state=connection>
                <span class="dot" aria-hidden="true"></span>
                <span>{connection}</span>
            </div>
            <button type="button" class="theme" data-testid="theme-toggle" on:click=toggle_theme>
                {move || format!("Theme: {}", theme.get())}
            </button>
            <LangToggle />
        </header>
    }
}

/// The page's language (see [`i18n`]), provided by [`PlaygroundView`].
fn lang() -> RwSignal<Lang> {
    use_context::<RwSignal<Lang>>().unwrap_or_else(|| RwSignal::new(Lang::En))
}

/// EN / 中文: switches the gallery and the About tab, and remembers the choice.
#[component]
fn LangToggle() -> impl IntoView {
    let lang = lang();
    let toggle = move |_| {
        let next = lang.get_untracked().toggled();
        lang.set(next);
        i18n::remember(next);
    };
    view! {
        <button
            type="button"
            class="lang"
            data-testid="lang-toggle"
            data-lang=move || lang.get().code()
            title="Language of the examples' explanations / 示例说明的语言"
            on:click=toggle
        >
            {move || lang.get().toggle_label()}
        </button>
    }
}

fn outcome_text(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Completed => "completed",
        Outcome::Stopped => "stopped",
        Outcome::TimeLimit => "time limit reached",
        Outcome::Refused => "refused by RabbitMQ",
        Outcome::Failed => "failed",
    }
}

#[component]
fn Gallery(pg: RwSignal<Playground>, phase: Memo<Phase>, on_load: Callback<&'static str>) -> impl IntoView {
    let current = Memo::new(move |_| pg.with(|p| p.editor.example));
    let lang = lang();
    let items = gallery::examples()
        .into_iter()
        .map(|example| {
            let stem = example.stem;
            let name = {
                let example = example.clone();
                move || example.name_in(lang.get())
            };
            let blurb = move || match lang.get() {
                Lang::En => first_sentence(&example.description),
                Lang::Zh => first_sentence_zh(&example.description_in(Lang::Zh)),
            };
            view! {
                <li>
                    <button
                        type="button"
                        class="example"
                        class:current=move || current.get() == Some(stem)
                        data-testid=format!("gallery-{stem}")
                        disabled=move || phase.get().active()
                        on:click=move |_| on_load.run(stem)
                    >
                        <span class="example-name">{name}</span>
                        <span class="example-blurb">{blurb}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2 class="pane-title" lang=move || lang.get().code()>
            {move || if lang.get() == Lang::Zh { "示例" } else { "Examples" }}
        </h2>
        <ul class="examples" data-testid="gallery">{items}</ul>
    }
}

/// The description without its "The seed's … section:" opening, cut after a sentence.
fn first_sentence(description: &str) -> String {
    let text = match description.split_once(": ") {
        Some((head, rest)) if head.len() < 40 => rest,
        _ => description,
    };
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    let mut out: String = text[..end].chars().take(110).collect();
    if out.len() < text[..end].len() {
        out.push('…');
    }
    out
}

/// [`first_sentence`] for Chinese: without the opening before "：", cut after "。".
fn first_sentence_zh(description: &str) -> String {
    let text = match description.split_once('：') {
        Some((head, rest)) if head.chars().count() < 20 => rest,
        _ => description,
    };
    let end = text.find('。').map_or(text.len(), |i| i + '。'.len_utf8());
    let mut out: String = text[..end].chars().take(60).collect();
    if out.len() < text[..end].len() {
        out.push('…');
    }
    out
}

#[component]
fn Stage(pg: RwSignal<Playground>, status: RwSignal<Status>, anim: Anim) -> impl IntoView {
    let nodes = Memo::new(move |_| {
        pg.with(|p| p.run.nodes.clone())
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
                        data-testid="cluster-node"
                        data-running=node.running.to_string()
                        title=node.name.clone()
                    >
                        <span class="dot" aria-hidden="true"></span>
                        {short}
                        <span class="node-state">{if node.running { "up" } else { "down" }}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let problems = move || {
        let (phase, problems, error) = pg.with(|p| (p.run.phase(), p.run.problems.clone(), p.run.error.clone()));
        match phase {
            Phase::Invalid => Some(
                view! {
                    <div class="problems" data-testid="problems" role="alert">
                        <strong>"The scenario was not run. Fix these first:"</strong>
                        <ul>
                            {problems
                                .into_iter()
                                .map(|p| {
                                    view! {
                                        <li data-testid="problem">
                                            <code class="path">
                                                {if p.path.is_empty() { "(document)".to_owned() } else { p.path }}
                                            </code>
                                            " "
                                            {p.message}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </div>
                }
                .into_any(),
            ),
            Phase::Failed => Some(
                view! {
                    <div class="problems" data-testid="run-error" role="alert">
                        <strong>"The run could not go on: "</strong>
                        {error.unwrap_or_default()}
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
            <ul class="cluster" data-testid="cluster" aria-label="Cluster nodes">{cluster}</ul>
            <div
                class="counting"
                data-testid="counting"
                class:visible=move || counting.get()
                title="Too many messages at once to draw each one: the counts on the edges and in the summary keep the full record."
            >
                "Many messages: counting instead of drawing"
            </div>
        </div>
        {problems}
        <Canvas pg=pg anim=anim />
        <Legend />
    }
}

#[component]
fn Legend() -> impl IntoView {
    let kinds = [
        ("publisher", "publisher"),
        ("exchange", "exchange"),
        ("queue", "queue"),
        ("consumer", "consumer"),
    ];
    let outcomes = [
        ("flying", "in flight"),
        ("acked", "acked"),
        ("delivered", "delivered"),
        ("nacked", "nacked"),
        ("returned", "returned"),
        ("backedup", "backed up (alternate exchange)"),
        ("lost", "lost"),
    ];
    view! {
        <div class="legend" data-testid="legend">
            {kinds
                .into_iter()
                .map(|(class, label)| {
                    view! {
                        <span class=format!("key kind-{class}")>
                            <i aria-hidden="true"></i>
                            {label}
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
                            {label}
                        </span>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn Canvas(pg: RwSignal<Playground>, anim: Anim) -> impl IntoView {
    let layout = Memo::new(move |_| pg.with(|p| p.layout.clone()));
    let trail = Memo::new(move |_| pg.with(|p| p.run.selected.as_ref().map(|id| p.run.trail(id, &p.layout))));
    let layer = NodeRef::<leptos::svg::G>::new();
    Effect::new(move |_| {
        if let Some(g) = layer.get() {
            let element: &web_sys::Element = &g;
            anim.with_value(|a| a.set_layer(element.clone()));
        }
    });
    let view_box = move || layout.with(|l| format!("0 0 {:.0} {:.0}", l.width, l.height));
    let clear = move |_| pg.update(|p| p.run.selected = None);
    let drawing = move || layout.with(|l| draw(l, pg, trail));
    view! {
        <div class="canvas-wrap">
            <svg
                class="canvas"
                data-testid="canvas"
                viewBox=view_box
                preserveAspectRatio="xMidYMid meet"
                role="img"
                aria-label="The scenario's topology"
                on:click=clear
            >
                <defs>
                    {["publish", "binding", "default", "alternate", "consume"]
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
                <g class="tokens" node_ref=layer></g>
            </svg>
            {move || {
                layout
                    .with(|l| l.nodes.is_empty())
                    .then(|| {
                        view! {
                            <p class="empty">
                                "Nothing to draw yet: add exchanges, queues, publishers or consumers to the JSON."
                            </p>
                        }
                    })
            }}
        </div>
    }
}

type Trail = Memo<Option<(std::collections::HashSet<usize>, std::collections::HashSet<usize>)>>;

/// Edges and nodes; the parts that change during a run read the playground themselves.
fn draw(l: &Layout, pg: RwSignal<Playground>, trail: Trail) -> impl IntoView + use<> {
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
            let label = if e.kind == EdgeKind::Alternate {
                full_label.clone()
            } else {
                truncate(&full_label, 9)
            };
            let hl = move || trail.with(|t| t.as_ref().map(|(_, edges)| edges.contains(&i)));
            let traffic = move || {
                Some(pg.with(|p| p.run.edge_traffic.get(i).copied().unwrap_or(0)))
                    .filter(|n| *n > 0)
                    .map(|n| format!("×{}", count(n)))
            };
            let label_y = if e.kind == EdgeKind::Alternate {
                mid.1 + 4.0
            } else {
                mid.1 - 7.0
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
                        y=format!("{:.1}", label_y + 17.0)
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
            let extra = match kind {
                NodeKind::Queue => queue_lines(pg, name.clone()).into_any(),
                NodeKind::Publisher => publisher_line(pg, name.clone()).into_any(),
                NodeKind::Consumer => consumer_line(pg, name.clone()).into_any(),
                NodeKind::Exchange => ().into_any(),
            };
            let title = truncate(&n.label, 18);
            let subtitle = truncate(&n.subtitle, 24);
            view! {
                <g
                    class=format!("node kind-{}", kind.as_str())
                    class:hl=move || hl() == Some(true)
                    class:dim=move || hl() == Some(false)
                    data-testid=format!("node-{}", kind.as_str())
                    data-name=name.clone()
                    transform=format!("translate({:.1} {:.1})", n.x, n.y)
                >
                    <title>{format!("{} {}\n{}", kind.as_str(), n.label, n.subtitle)}</title>
                    <rect class="box" width=format!("{:.0}", n.w) height=format!("{:.0}", n.h) rx="9"></rect>
                    <rect class="stripe" width="5" height=format!("{:.0}", n.h) rx="2"></rect>
                    <text class="title" x="12" y="20">{title}</text>
                    <text class="subtitle" x="12" y="36">{subtitle}</text>
                    {extra}
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

fn queue_lines(pg: RwSignal<Playground>, name: String) -> impl IntoView {
    let snapshot = {
        let name = name.clone();
        Memo::new(move |_| pg.with(|p| p.run.queues.get(&name).cloned()))
    };
    let depth = move || {
        snapshot.with(|s| match s {
            Some(s) => format!("ready {} · unacked {}", count(s.ready), count(s.unacked)),
            None => "no snapshot yet".to_owned(),
        })
    };
    let memory = move || {
        snapshot.with(|s| {
            s.as_ref()
                .map(|s| format!("RAM {} · paged out {}", count(s.in_ram), count(s.paged_out)))
                .unwrap_or_default()
        })
    };
    let placement = move || {
        snapshot.with(|s| {
            let Some(s) = s else { return String::new() };
            let short = |n: &String| n.split('@').next().unwrap_or(n).to_owned();
            let mut text = s.node.as_ref().map(|n| format!("on {}", short(n))).unwrap_or_default();
            if !s.mirrors.is_empty() {
                let mirrors: Vec<String> = s.mirrors.iter().map(short).collect();
                text.push_str(&format!(" · mirrors {}", mirrors.join(",")));
                if s.unsynchronised() {
                    text.push_str(" (unsynced)");
                }
            }
            if !s.members.is_empty() {
                text.push_str(&format!(" · {}/{} members up", s.online.len(), s.members.len()));
            }
            text
        })
    };
    // Ready (solid) and unacked (light) as a bar under the numbers.
    let bar = move || {
        snapshot.with(|s| {
            let (ready, unacked) = s.as_ref().map_or((0, 0), |s| (s.ready, s.unacked));
            let total = (ready + unacked).max(1) as f64;
            let scale = 120.0 * ((ready + unacked) as f64).min(1.0);
            (
                format!("{:.1}", scale * ready as f64 / total),
                format!("{:.1}", scale * unacked as f64 / total),
            )
        })
    };
    view! {
        <text class="depth" x="13" y="54" data-testid=format!("queue-depth-{name}")>{depth}</text>
        <rect class="bar-bg" x="13" y="59" width="120" height="4" rx="2"></rect>
        <rect class="bar-ready" x="13" y="59" width=move || bar().0 height="4" rx="2"></rect>
        <rect class="bar-unacked" x=move || format!("{:.1}", 13.0 + bar().0.parse::<f64>().unwrap_or(0.0)) y="59" width=move || bar().1 height="4" rx="2"></rect>
        <text class="memory" x="13" y="76">{memory}</text>
        <text class="placement" x="13" y="90">{placement}</text>
    }
}

fn publisher_line(pg: RwSignal<Playground>, name: String) -> impl IntoView {
    let line = move || {
        pg.with(|p| {
            p.run.counts.per_publisher.get(&name).map(|(acked, nacked, returned)| {
                let mut parts = vec![format!("✓ {}", count(*acked))];
                if *nacked > 0 {
                    parts.push(format!("✗ {}", count(*nacked)));
                }
                if *returned > 0 {
                    parts.push(format!("↩ {}", count(*returned)));
                }
                parts.join("  ")
            })
        })
    };
    view! { <text class="counts" x="13" y="54">{line}</text> }
}

fn consumer_line(pg: RwSignal<Playground>, name: String) -> impl IntoView {
    let line = move || {
        pg.with(|p| {
            p.run
                .counts
                .per_consumer
                .get(&name)
                .map(|n| format!("received {}", count(*n)))
        })
    };
    view! { <text class="counts" x="13" y="54">{line}</text> }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    About,
    Json,
    Relay,
}

#[component]
fn Inspector(
    pg: RwSignal<Playground>,
    status: RwSignal<Status>,
    phase: Memo<Phase>,
    on_reconnect: Option<Callback<()>>,
) -> impl IntoView {
    let tab = RwSignal::new(Tab::About);
    let tab_button = move |which: Tab, label: &'static str, id: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class:active=move || tab.get() == which
                aria-selected=move || (tab.get() == which).to_string()
                data-testid=id
                on:click=move |_| tab.set(which)
            >
                {label}
            </button>
        }
    };
    let problem_count = Memo::new(move |_| pg.with(|p| p.editor.problems.len()));
    view! {
        <div class="tabs" role="tablist">
            {tab_button(Tab::About, "About", "tab-about")}
            {tab_button(Tab::Json, "Scenario JSON", "tab-json")}
            {tab_button(Tab::Relay, "Relay", "tab-relay")}
            {move || {
                (problem_count.get() > 0)
                    .then(|| {
                        view! {
                            <span class="problem-badge" title="Problems in the JSON">
                                {problem_count.get()}
                            </span>
                        }
                    })
            }}
        </div>
        <div class="tab-body" class:hidden=move || tab.get() != Tab::About>
            <About pg=pg />
        </div>
        <div class="tab-body json" class:hidden=move || tab.get() != Tab::Json>
            <JsonEditor pg=pg phase=phase />
        </div>
        <div class="tab-body relay" class:hidden=move || tab.get() != Tab::Relay>
            {match on_reconnect {
                Some(callback) => view! { <StatusPanel status=status on_reconnect=callback /> }.into_any(),
                None => view! { <StatusPanel status=status /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn About(pg: RwSignal<Playground>) -> impl IntoView {
    let lang = lang();
    let info = Memo::new(move |_| {
        let lang = lang.get();
        pg.with(|p| {
            let example = p.editor.example.and_then(gallery::example);
            p.editor.scenario.as_ref().map(|s| {
                (
                    example.as_ref().map_or_else(|| s.name.clone(), |e| e.name_in(lang)),
                    example.as_ref().map_or_else(|| s.description.clone(), |e| e.description_in(lang)),
                    format!(
                        "{} publisher(s) · {} exchange(s) · {} queue(s) · {} binding(s) · {} consumer(s) · {} message(s)",
                        s.publishers.len(),
                        s.exchanges.len(),
                        s.queues.len(),
                        s.bindings.len(),
                        s.consumers.len(),
                        count(s.total_messages())
                    ),
                    p.editor.example.is_some(),
                    p.editor.problems.len(),
                )
            })
        })
    });
    move || {
        info.get().map(|(name, description, shape, from_gallery, problems)| {
            let description = if description.is_empty() {
                "This scenario has no description.".to_owned()
            } else {
                description
            };
            view! {
                <h2 class="about-name">{if name.is_empty() { "Untitled scenario".to_owned() } else { name }}</h2>
                <p class="shape">{shape}</p>
                {(problems > 0)
                    .then(|| {
                        view! {
                            <p class="notice error" data-testid="about-problems">
                                {format!(
                                    "This scenario has {problems} problem(s) for this relay; the Scenario JSON tab lists them.",
                                )}
                            </p>
                        }
                    })}
                <h3>
                    {match (from_gallery, lang.get_untracked()) {
                        (true, Lang::Zh) => "看点",
                        (true, Lang::En) => "What to look for",
                        (false, _) => "Description",
                    }}
                </h3>
                <p class="description" data-testid="description" lang=lang.get_untracked().code()>
                    {description}
                </p>
                <p class="hint">
                    "Press " <kbd>"Ctrl"</kbd> "+" <kbd>"Enter"</kbd> " to run it on the broker, " <kbd>"Esc"</kbd>
                    " to stop. Click a row of the event log to follow that message on the canvas."
                </p>
            }
        })
    }
}

#[component]
fn JsonEditor(pg: RwSignal<Playground>, phase: Memo<Phase>) -> impl IntoView {
    let text = Memo::new(move |_| pg.with(|p| p.editor.text.clone()));
    let area = NodeRef::<leptos::html::Textarea>::new();
    // Set the text only when it differs, so typing never moves the caret.
    Effect::new(move |_| {
        let text = text.get();
        if let Some(area) = area.get()
            && area.value() != text
        {
            area.set_value(&text);
        }
    });
    let problems = Memo::new(move |_| pg.with(|p| p.editor.problems.clone()));
    let importing = RwSignal::new(false);
    let paste = NodeRef::<leptos::html::Textarea>::new();
    // What went wrong with the last import or export (never swallowed).
    let file_error = RwSignal::new(None::<String>);
    let apply_import = move |_| {
        if let Some(paste) = paste.get() {
            let text = paste.value();
            if text.trim().is_empty() {
                file_error.set(Some("Paste a scenario's JSON first.".to_owned()));
                return;
            }
            match pg.try_update(|p| p.import(&text)) {
                Some(Err(error)) => file_error.set(Some(format!("Import failed: {error}"))),
                _ => {
                    file_error.set(None);
                    paste.set_value("");
                    importing.set(false);
                }
            }
        }
    };
    let import_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        let chosen = input.clone();
        share::read_chosen_file(&input, move |result| {
            // The same file may be chosen again after an edit.
            chosen.set_value("");
            match result.and_then(|text| pg.try_update(|p| p.import(&text)).unwrap_or(Ok(()))) {
                Ok(()) => file_error.set(None),
                Err(error) => file_error.set(Some(format!("Import failed: {error}"))),
            }
        });
    };
    let export = move |_| {
        let (text, name) = pg.with_untracked(|p| (p.editor.text.clone(), p.editor.file_name()));
        file_error.set(
            share::download(&name, &text)
                .err()
                .map(|e| format!("Export failed: {e}")),
        );
    };
    view! {
        <div class="json-tools">
            <button type="button" data-testid="import-button" on:click=move |_| importing.update(|v| *v = !*v)>
                "Import…"
            </button>
            <label class="button file" title="Load a scenario from a .json file">
                "Import file"
                <input
                    type="file"
                    class="visually-hidden"
                    accept=".json,application/json"
                    data-testid="import-json"
                    disabled=move || phase.get().active()
                    on:change=import_file
                />
            </label>
            <button type="button" data-testid="export-json" title="Download the scenario as a .json file" on:click=export>
                "Export"
            </button>
            <span class="json-state" data-testid="json-state">
                {move || {
                    let n = problems.with(Vec::len);
                    if n == 0 { "✓ valid scenario".to_owned() } else { format!("{n} problem(s)") }
                }}
            </span>
        </div>
        <div class="import" class:hidden=move || !importing.get()>
            <textarea
                node_ref=paste
                data-testid="import-text"
                placeholder="Paste a scenario's JSON here"
                spellcheck="false"
            ></textarea>
            <button type="button" data-testid="import-apply" on:click=apply_import>
                "Load it"
            </button>
        </div>
        {move || {
            file_error
                .get()
                .map(|error| view! { <p class="notice error" data-testid="import-error" role="alert">{error}</p> })
        }}
        <textarea
            class="editor"
            node_ref=area
            data-testid="scenario-json"
            spellcheck="false"
            aria-label="Scenario JSON"
            readonly=move || phase.get().active()
            on:input=move |ev| {
                let value = event_target_value(&ev);
                pg.update(|p| p.edit(&value));
            }
        ></textarea>
        <ul class="editor-problems" data-testid="editor-problems">
            {move || {
                problems
                    .get()
                    .into_iter()
                    .map(|p| {
                        view! {
                            <li data-testid="editor-problem">
                                <code class="path">
                                    {if p.path.is_empty() { "(document)".to_owned() } else { p.path }}
                                </code>
                                " "
                                {p.message}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

#[component]
fn EventLog(pg: RwSignal<Playground>) -> impl IntoView {
    let body = NodeRef::<leptos::html::Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(220.0_f64);
    let follow = RwSignal::new(true);
    let total = Memo::new(move |_| pg.with(|p| p.run.filtered.len()));
    let all = Memo::new(move |_| pg.with(|p| p.run.events.len()));
    let kinds = Memo::new(move |_| pg.with(|p| p.run.kinds_seen.iter().map(|(k, n)| (*k, *n)).collect::<Vec<_>>()));
    let filter = Memo::new(move |_| pg.with(|p| p.run.filter.clone()));
    let selected = Memo::new(move |_| pg.with(|p| p.run.selected.clone()));

    // Follow the end of the log while it grows, unless the user scrolled up.
    Effect::new(move |_| {
        let n = total.get();
        if let Some(el) = body.get() {
            viewport.set(view_height(&el));
            if follow.get_untracked() {
                let top = (n as f64 * LOG_ROW_HEIGHT - f64::from(el.client_height())).max(0.0);
                el.set_scroll_top(top as i32);
                scroll_top.set(top);
            }
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = body.get() {
            let top = f64::from(el.scroll_top());
            let height = view_height(&el);
            scroll_top.set(top);
            viewport.set(height);
            follow.set(top + height >= f64::from(el.scroll_height()) - LOG_ROW_HEIGHT);
        }
    };
    let rows = move || {
        let (start, end) = visible_rows(scroll_top.get(), viewport.get(), total.get());
        let selected = selected.get();
        pg.with(|p| {
            (start..end)
                .filter_map(|k| {
                    let index = *p.run.filtered.get(k)?;
                    let event = p.run.events.get(index)?;
                    let id = run::message_id(event).map(str::to_owned);
                    let is_selected = id.is_some() && id == selected;
                    Some((k, event.t_ms, event.kind.name(), run::actor(event).map(str::to_owned), id, run::details(event), run::tone(event, &p.layout), is_selected))
                })
                .collect::<Vec<_>>()
        })
        .into_iter()
        .map(|(k, t_ms, kind, actor, id, details, tone, is_selected)| {
            let click_id = id.clone();
            view! {
                <div
                    class=format!("row tone-{tone}")
                    class:selected=is_selected
                    class:clickable=click_id.is_some()
                    data-testid="event-row"
                    style:top=format!("{}px", k as f64 * LOG_ROW_HEIGHT)
                    on:click=move |_| {
                        if let Some(id) = click_id.clone() {
                            pg.update(|p| {
                                p.run.selected = if p.run.selected.as_deref() == Some(id.as_str()) { None } else { Some(id) };
                            });
                        }
                    }
                >
                    <span class="c-time">{format!("{} ms", count(t_ms))}</span>
                    <span class="c-type">{kind}</span>
                    <span class="c-actor">{actor.unwrap_or_default()}</span>
                    <span class="c-id">{id.unwrap_or_default()}</span>
                    <span class="c-details" title=details.clone()>{details.clone()}</span>
                </div>
            }
        })
        .collect_view()
    };
    let set_filter = move |change: &dyn Fn(&mut LogFilter)| {
        let mut next = pg.with_untracked(|p| p.run.filter.clone());
        change(&mut next);
        pg.update(|p| p.run.set_filter(next));
        follow.set(true);
    };
    view! {
        <div class="log-head">
            <h2 class="pane-title">"Event log"</h2>
            <select
                data-testid="filter-kind"
                aria-label="Event type"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    set_filter(&|f| f.kind = value.clone());
                }
            >
                <option value="" selected=move || filter.with(|f| f.kind.is_empty())>"every type"</option>
                {move || {
                    kinds
                        .get()
                        .into_iter()
                        .map(|(kind, n)| {
                            view! {
                                <option value=kind selected=move || filter.with(|f| f.kind == kind)>
                                    {format!("{kind} ({})", count(n))}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <input
                type="search"
                data-testid="filter-actor"
                placeholder="actor or queue"
                aria-label="Actor or queue"
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    set_filter(&|f| f.actor = value.clone());
                }
            />
            <input
                type="search"
                data-testid="filter-id"
                placeholder="message id"
                aria-label="Message id"
                prop:value=move || filter.with(|f| f.id.clone())
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    set_filter(&|f| f.id = value.clone());
                }
            />
            <span class="log-count" data-testid="log-count">
                {move || {
                    let (shown, all) = (total.get(), all.get());
                    if shown == all { format!("{} events", count(all as u64)) } else { format!("{} of {} events", count(shown as u64), count(all as u64)) }
                }}
            </span>
        </div>
        <div class="log-cols" aria-hidden="true">
            <span class="c-time">"time"</span>
            <span class="c-type">"type"</span>
            <span class="c-actor">"actor"</span>
            <span class="c-id">"id"</span>
            <span class="c-details">"details"</span>
        </div>
        <div class="log-body" node_ref=body on:scroll=on_scroll data-testid="log-body">
            <div class="log-spacer" style:height=move || format!("{}px", total.get() as f64 * LOG_ROW_HEIGHT)>
                {rows}
            </div>
            {move || {
                (all.get() == 0)
                    .then(|| {
                        view! {
                            <p class="log-empty">"Every event of the run appears here, in order, as the relay observed it."</p>
                        }
                    })
            }}
        </div>
    }
}

/// The log's visible height: its own, but never more than the window's (a log that is not
/// given a height by the style sheet must not draw every row).
fn view_height(el: &web_sys::HtmlElement) -> f64 {
    let window = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(800.0);
    f64::from(el.client_height()).min(window).max(LOG_ROW_HEIGHT)
}

/// The rows to draw for a scroll position: the visible ones and a few around them.
pub fn visible_rows(scroll_top: f64, viewport: f64, total: usize) -> (usize, usize) {
    let first = (scroll_top / LOG_ROW_HEIGHT).floor().max(0.0) as usize;
    let start = first.saturating_sub(5).min(total);
    let end = (first + (viewport / LOG_ROW_HEIGHT).ceil() as usize + 5).min(total);
    (start, end.max(start))
}

#[component]
fn SummaryPanel(pg: RwSignal<Playground>, phase: Memo<Phase>) -> impl IntoView {
    let summary = Memo::new(move |_| pg.with(|p| p.run.summary.clone()));
    let mismatch = Memo::new(move |_| pg.with(|p| p.run.summary_mismatch));
    let live = Memo::new(move |_| pg.with(|p| p.run.counts.clone()));
    move || {
        if let Some(s) = summary.get() {
            let codes = s
                .return_codes
                .iter()
                .map(|(code, n)| format!("{code} ×{}", count(*n)))
                .collect::<Vec<_>>()
                .join(", ");
            let delivered = s
                .delivered
                .iter()
                .map(|(queue, list)| {
                    view! {
                        <li>
                            <span class="q">{queue.clone()}</span>
                            <b data-testid=format!("summary-delivered-{queue}")>{list.len()}</b>
                        </li>
                    }
                })
                .collect_view();
            let left = s
                .left_in_queues
                .iter()
                .map(|(queue, n)| {
                    view! {
                        <li>
                            <span class="q">{queue.clone()}</span>
                            <b data-testid=format!("summary-left-{queue}")>{*n}</b>
                        </li>
                    }
                })
                .collect_view();
            let lost_ids = if s.lost.is_empty() {
                String::new()
            } else {
                let mut ids = s.lost.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
                if s.lost.len() > 8 {
                    ids.push_str(&format!(" … {} more", s.lost.len() - 8));
                }
                ids
            };
            let outcome = s.outcome.map(outcome_text).unwrap_or("finished");
            view! {
                <div class="summary-head">
                    <h2 class="pane-title">"Run summary"</h2>
                    <span class="outcome" data-testid="summary-outcome" data-outcome=outcome>{outcome}</span>
                </div>
                <div class="tiles">
                    <Tile label="published" value=s.published id="summary-published" tone="flying" />
                    <Tile label="acked" value=s.acked id="summary-acked" tone="acked" />
                    <Tile label="nacked" value=s.nacked id="summary-nacked" tone="nacked" />
                    <Tile label="returned" value=s.returned id="summary-returned" tone="returned" />
                    <Tile label="lost" value=s.lost.len() as u64 id="summary-lost" tone="lost" />
                    <Tile label="duplicates" value=s.duplicates.len() as u64 id="summary-duplicates" tone="" />
                </div>
                <dl class="summary-more">
                    {(!codes.is_empty()).then(|| view! { <dt>"returns"</dt> <dd data-testid="summary-return-codes">{codes}</dd> })}
                    {(s.unconfirmed > 0).then(|| view! { <dt>"unconfirmed"</dt> <dd data-testid="summary-unconfirmed">{s.unconfirmed}</dd> })}
                    {(s.dead_lettered > 0).then(|| view! { <dt>"dead-lettered"</dt> <dd>{s.dead_lettered}</dd> })}
                    {(s.republished > 0).then(|| view! { <dt>"re-published"</dt> <dd>{s.republished}</dd> })}
                    {(!lost_ids.is_empty()).then(|| view! { <dt>"lost ids"</dt> <dd class="ids">{lost_ids}</dd> })}
                </dl>
                <div class="per-queue">
                    <div>
                        <h3>"delivered"</h3>
                        <ul>{delivered}</ul>
                    </div>
                    <div>
                        <h3>"left in queues"</h3>
                        <ul>{left}</ul>
                    </div>
                </div>
                {mismatch.get().then(|| view! {
                    <p class="notice warning">"The relay's summary differs from the one this page folded from the events."</p>
                })}
            }
            .into_any()
        } else if phase.get().active() {
            let c = live.get();
            view! {
                <div class="summary-head">
                    <h2 class="pane-title">"Live"</h2>
                    <span class="outcome running">"running"</span>
                </div>
                <div class="tiles">
                    <Tile label="published" value=c.published id="live-published" tone="flying" />
                    <Tile label="acked" value=c.acked id="live-acked" tone="acked" />
                    <Tile label="nacked" value=c.nacked id="live-nacked" tone="nacked" />
                    <Tile label="returned" value=c.returned id="live-returned" tone="returned" />
                    <Tile label="delivered" value=c.delivered id="live-delivered" tone="delivered" />
                </div>
                <p class="hint">"The full summary, with what was lost, comes when the run ends."</p>
            }
            .into_any()
        } else {
            view! {
                <div class="summary-head">
                    <h2 class="pane-title">"Run summary"</h2>
                </div>
                <p class="hint">
                    "Run the scenario to see what happened to every message: published, acked, nacked, returned, delivered per queue, lost, duplicated, or left in a queue."
                </p>
            }
            .into_any()
        }
    }
}

#[component]
fn Tile(label: &'static str, value: u64, id: &'static str, tone: &'static str) -> impl IntoView {
    view! {
        <div class=format!("tile tone-{tone}") class:zero=value == 0>
            <b data-testid=id>{value}</b>
            <span>{label}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_draws_only_what_is_in_view() {
        assert_eq!(visible_rows(0.0, 240.0, 0), (0, 0));
        assert_eq!(visible_rows(0.0, 240.0, 100_000), (0, 15));
        let (start, end) = visible_rows(24.0 * 50_000.0, 240.0, 100_000);
        assert_eq!((start, end), (49_995, 50_015));
        assert_eq!(visible_rows(24.0 * 99_999.0, 240.0, 100_000), (99_994, 100_000));
    }

    #[test]
    fn gallery_blurbs_are_short() {
        let blurb = first_sentence("The seed's third section: confirm-exchange2 names backup-exchange. More.");
        assert_eq!(blurb, "confirm-exchange2 names backup-exchange.");
    }

    #[test]
    fn chinese_gallery_blurbs_are_short() {
        let blurb = first_sentence_zh("种子教程第三节：confirm-exchange2 把 backup-exchange 设为备份交换机。其余。");
        assert_eq!(blurb, "confirm-exchange2 把 backup-exchange 设为备份交换机。");
        for example in gallery::examples() {
            let blurb = first_sentence_zh(&example.description_in(Lang::Zh));
            assert!(
                !blurb.is_empty() && blurb.chars().count() <= 61,
                "{}: {blurb}",
                example.stem
            );
        }
    }
}
