//! Building on the canvas: the pointer gestures (select, move, connect), drops from the
//! palette, and what is drawn over the topology while editing: the selection, the connection
//! handles, the line being drawn, and the routing key's field on a selected binding.

use super::{notice, tr};
use crate::i18n::Text;
use crate::model::edit::{self, Element};
use crate::model::gesture::{self, Gesture, Intent};
use crate::model::layout::{Layout, NodeKind};
use crate::playground::Playground;
use leptos::prelude::*;
use warren_shared::Position;
use wasm_bindgen::JsCast;

/// The `dataTransfer` type palette items carry when dragged onto the canvas.
pub const PALETTE_MIME: &str = "application/x-warren-kind";

/// The canvas's gesture state and the SVG it reads coordinates from.
#[derive(Clone, Copy)]
pub struct CanvasGestures {
    pg: Playground,
    svg: NodeRef<leptos::svg::Svg>,
    gesture: RwSignal<Gesture>,
}

impl CanvasGestures {
    /// Gestures on `svg`, changing `pg`.
    pub fn new(pg: Playground, svg: NodeRef<leptos::svg::Svg>) -> Self {
        Self {
            pg,
            svg,
            gesture: RwSignal::new(Gesture::Idle),
        }
    }

    fn point(&self, client_x: i32, client_y: i32) -> Option<(f64, f64)> {
        let svg = self.svg.get_untracked()?;
        let rect = svg.get_bounding_client_rect();
        let view = self.pg.doc.with_untracked(|d| (d.layout.width, d.layout.height));
        Some(gesture::to_drawing(
            (rect.left(), rect.top(), rect.width(), rect.height()),
            view,
            (f64::from(client_x), f64::from(client_y)),
        ))
    }

    /// A pointer went down on the canvas.
    pub fn down(&self, ev: &web_sys::PointerEvent) {
        if ev.button() != 0 || in_field(ev) {
            return;
        }
        let Some(at) = self.point(ev.client_x(), ev.client_y()) else {
            return;
        };
        let editable = !self.pg.busy();
        let (gesture, intent) = self.pg.doc.with_untracked(|d| Gesture::down(&d.layout, at, editable));
        if gesture != Gesture::Idle {
            // Keep receiving moves when the pointer leaves the canvas mid-drag (on the canvas
            // itself: the boxes are drawn anew as they move).
            if let Some(svg) = self.svg.get_untracked() {
                let _ = svg.set_pointer_capture(ev.pointer_id());
            }
            ev.prevent_default();
        }
        self.gesture.set(gesture);
        self.apply(intent);
    }

    /// The pointer moved over the canvas.
    pub fn moved(&self, ev: &web_sys::PointerEvent) {
        if self.gesture.with_untracked(|g| *g == Gesture::Idle) {
            return;
        }
        let Some(at) = self.point(ev.client_x(), ev.client_y()) else {
            return;
        };
        let mut gesture = self.gesture.get_untracked();
        let intent = gesture.moved(at);
        self.gesture.set(gesture);
        self.apply(intent);
    }

    /// The pointer went up: the gesture ends.
    pub fn up(&self, ev: &web_sys::PointerEvent) {
        let gesture = self.gesture.get_untracked();
        if gesture == Gesture::Idle {
            return;
        }
        self.gesture.set(Gesture::Idle);
        let Some(at) = self.point(ev.client_x(), ev.client_y()) else {
            return;
        };
        let intent = self.pg.doc.with_untracked(|d| gesture.up(&d.layout, at));
        self.apply(intent);
    }

    /// Something was dropped on the canvas: a palette item adds its kind where it fell.
    pub fn drop(&self, ev: &web_sys::DragEvent) {
        let Some(kind) = ev
            .data_transfer()
            .and_then(|d| d.get_data(PALETTE_MIME).ok())
            .and_then(|k| palette_kind(&k))
        else {
            return;
        };
        ev.prevent_default();
        let Some(at) = self.point(ev.client_x(), ev.client_y()) else {
            return;
        };
        let corner = Position {
            x: (at.0 - 60.0).max(0.0).round(),
            y: (at.1 - 20.0).max(0.0).round(),
        };
        add_and_select(self.pg, kind, Some(corner));
    }

    fn apply(&self, intent: Intent) {
        let pg = self.pg;
        match intent {
            Intent::None => {}
            Intent::Select(element) => pg.doc.update(|d| {
                d.selected = element;
                d.edit_error = None;
            }),
            Intent::Preview { node, corner } => pg.doc.update(|d| d.layout.place(node, corner.0, corner.1)),
            Intent::Place { node, corner } => {
                let (kind, name) = pg.doc.with_untracked(|d| {
                    let n = &d.layout.nodes[node];
                    (n.kind, n.name.clone())
                });
                pg.change(|s| edit::place(s, kind, &name, corner.0, corner.1));
            }
            Intent::Connect { from, to } => {
                let (from, to) = pg.doc.with_untracked(|d| {
                    let (a, b) = (&d.layout.nodes[from], &d.layout.nodes[to]);
                    ((a.kind, a.name.clone()), (b.kind, b.name.clone()))
                });
                if let Some(made) = pg.try_change(|s| edit::connect(s, (from.0, &from.1), (to.0, &to.1))) {
                    pg.select(Some(made));
                }
            }
        }
    }
}

/// Whether the event began in a form field (the routing key's input on the canvas).
fn in_field(ev: &web_sys::PointerEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.closest("input, textarea, select, button").ok().flatten().is_some())
}

/// The node kind a palette item names.
pub fn palette_kind(value: &str) -> Option<NodeKind> {
    [
        NodeKind::Publisher,
        NodeKind::Exchange,
        NodeKind::Queue,
        NodeKind::Consumer,
    ]
    .into_iter()
    .find(|k| k.as_str() == value)
}

/// Add an element of `kind` (at `at`, or where the automatic layout puts it) and select it.
pub fn add_and_select(pg: Playground, kind: NodeKind, at: Option<Position>) {
    if let Some(added) = pg.change(|s| edit::add(s, kind, at)) {
        pg.select(Some(added));
    }
}

/// What editing draws over the topology.
#[component]
pub(crate) fn EditOverlay(pg: Playground, gestures: CanvasGestures, layout: Memo<Layout>) -> impl IntoView {
    let selected = Memo::new(move |_| pg.doc.with(|d| d.selected.clone()));
    let editable = Memo::new(move |_| pg.run.with(|r| !r.phase().active()));
    let selection = move || {
        let element = selected.get()?;
        layout.with(|l| match &element {
            Element::Node(kind, name) => l.find(*kind, name).map(|i| {
                let n = &l.nodes[i];
                view! {
                    <rect
                        class="selection"
                        data-testid="selection"
                        x=format!("{:.1}", n.x - 4.0)
                        y=format!("{:.1}", n.y - 4.0)
                        width=format!("{:.1}", n.w + 8.0)
                        height=format!("{:.1}", n.h + 8.0)
                        rx="12"
                    ></rect>
                }
                .into_any()
            }),
            Element::Binding(b) => l
                .edges
                .iter()
                .position(|e| e.bindings.contains(b))
                .map(|e| view! { <path class="selection-edge" d=l.edge_curve(e).svg()></path> }.into_any()),
            Element::Policy(_) | Element::Step(_) => None,
        })
    };
    let handles = move || {
        if !editable.get() {
            return Vec::new();
        }
        layout.with(|l| {
            (0..l.nodes.len())
                .filter(|&i| gesture::has_handle(l.nodes[i].kind))
                .map(|i| {
                    let (x, y) = gesture::handle_at(l, i);
                    let n = &l.nodes[i];
                    view! {
                        <circle
                            class="handle"
                            data-testid="handle"
                            data-node=format!("{}:{}", n.kind.as_str(), n.name)
                            cx=format!("{x:.1}")
                            cy=format!("{y:.1}")
                            r="6"
                        >
                            <title>{tr(Text::DragToConnect)}</title>
                        </circle>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let line = move || match gestures.gesture.get() {
        Gesture::Connecting { from, to } => layout.with(|l| {
            (from < l.nodes.len()).then(|| {
                let start = gesture::handle_at(l, from);
                view! {
                    <path
                        class="connecting"
                        data-testid="connecting"
                        d=format!("M{:.1},{:.1} L{:.1},{:.1}", start.0, start.1, to.0, to.1)
                    ></path>
                }
            })
        }),
        _ => None,
    };
    view! {
        <g class="editing">
            {selection}
            {handles}
            {line}
            <RoutingKeyField pg=pg selected=selected layout=layout />
        </g>
    }
}

/// The routing key of a selected binding, edited where the line is.
#[component]
fn RoutingKeyField(pg: Playground, selected: Memo<Option<Element>>, layout: Memo<Layout>) -> impl IntoView {
    move || {
        let Some(Element::Binding(binding)) = selected.get() else {
            return None;
        };
        let key = pg.doc.with_untracked(|d| {
            d.editor
                .scenario
                .as_ref()
                .and_then(|s| s.bindings.get(binding))
                .map(|b| b.routing_key.clone())
        })?;
        let mid = layout.with(|l| {
            l.edges
                .iter()
                .position(|e| e.bindings.contains(&binding))
                .map(|e| l.edge_curve(e).at(0.5))
        })?;
        let commit = move |value: String| {
            let unchanged = pg.doc.with_untracked(|d| {
                d.editor
                    .scenario
                    .as_ref()
                    .and_then(|s| s.bindings.get(binding))
                    .is_some_and(|b| b.routing_key == value)
            });
            if !unchanged {
                pg.change(|s| {
                    if let Some(b) = s.bindings.get_mut(binding) {
                        b.routing_key = value;
                    }
                });
            }
        };
        // The box takes the focus as it opens (a binding just drawn, or one clicked), with its
        // key selected, so typing replaces it and never reaches the page's shortcuts.
        let field = NodeRef::<leptos::html::Input>::new();
        field.on_load(|input| {
            let _ = input.focus();
            input.select();
        });
        Some(view! {
            <foreignObject x=format!("{:.1}", mid.0 - 70.0) y=format!("{:.1}", mid.1 - 30.0) width="140" height="26">
                <input
                    class="edge-key"
                    data-testid="edge-key-input"
                    aria-label=tr(Text::RoutingKeyOfBinding)
                    title=tr(Text::RoutingKeyHelp)
                    placeholder=tr(Text::RoutingKeyPlaceholder)
                    node_ref=field
                    prop:value=key
                    on:change=move |ev| commit(event_target_value(&ev))
                    on:keydown=move |ev| {
                        // Enter keeps the key and closes the box; Esc closes it unchanged.
                        match ev.key().as_str() {
                            "Enter" => {
                                ev.prevent_default();
                                commit(event_target_value(&ev));
                                pg.select(None);
                            }
                            "Escape" => pg.select(None),
                            _ => {}
                        }
                    }
                />
            </foreignObject>
        })
    }
}

/// Why the last change from the canvas or a form was not made.
#[component]
pub(crate) fn EditNotice(pg: Playground) -> impl IntoView {
    let error = move || pg.doc.with(|d| d.edit_error.clone());
    move || {
        error().map(|message| {
            view! {
                <div class="edit-error" role="alert" data-testid="edit-error">
                    <span>{notice(message)}</span>
                    <button type="button" on:click=move |_| pg.doc.update(|d| d.edit_error = None)>{tr(Text::Dismiss)}</button>
                </div>
            }
        })
    }
}
