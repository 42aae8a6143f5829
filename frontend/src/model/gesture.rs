//! The canvas's pointer gestures as plain data: press on a box to select it, drag it to move
//! it, drag from its handle to another box to connect them, click a line to select it.
//!
//! The canvas turns pointer events into drawing coordinates ([`to_drawing`]) and feeds them to
//! a [`Gesture`]; what the gesture means comes back as an [`Intent`] for the playground. Pure,
//! so every rule is unit-tested without a browser.

use crate::model::edit::Element;
use crate::model::layout::{EdgeKind, Layout, NodeKind};

/// How far (drawing pixels) a press must move before it is a drag rather than a click.
const DRAG_THRESHOLD: f64 = 4.0;
/// How close to a handle's centre a press grabs it.
const HANDLE_RADIUS: f64 = 9.0;
/// How close to a line a press selects it.
const LINE_TOLERANCE: f64 = 7.0;

/// Scale and offset that place a drawing of size `view` in a box of size `size` the way
/// `preserveAspectRatio="xMidYMid meet"` does: drawing point `p` lands at `p * scale + offset`.
/// `None` while either size is empty. The canvas's gestures read it backwards ([`to_drawing`]),
/// the token layer forwards.
pub fn fit(view: (f64, f64), size: (f64, f64)) -> Option<(f64, (f64, f64))> {
    let scale = (size.0 / view.0).min(size.1 / view.1);
    (scale.is_finite() && scale > 0.0).then(|| {
        let offset = ((size.0 - view.0 * scale) / 2.0, (size.1 - view.1 * scale) / 2.0);
        (scale, offset)
    })
}

/// Client coordinates to drawing coordinates for an SVG drawn with
/// `preserveAspectRatio="xMidYMid meet"`: `rect` is the element's box on the page
/// (left, top, width, height), `view` the drawing's size.
pub fn to_drawing(rect: (f64, f64, f64, f64), view: (f64, f64), client: (f64, f64)) -> (f64, f64) {
    let (left, top, width, height) = rect;
    let Some((scale, offset)) = fit(view, (width, height)) else {
        return (0.0, 0.0);
    };
    (
        (client.0 - left - offset.0) / scale,
        (client.1 - top - offset.1) / scale,
    )
}

/// Whether lines can be drawn from a node of this kind (consumers only receive).
pub fn has_handle(kind: NodeKind) -> bool {
    kind != NodeKind::Consumer
}

/// How far right of a box its handle sits, so it never covers the box's text.
const HANDLE_OFFSET: f64 = 7.0;

/// Where a node's connection handle is drawn: just right of where its lines leave.
pub fn handle_at(layout: &Layout, node: usize) -> (f64, f64) {
    let (x, y) = layout.nodes[node].out_anchor();
    (x + HANDLE_OFFSET, y)
}

/// What is under a point of the drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hit {
    /// A node's connection handle.
    Handle(usize),
    /// A node's box.
    Node(usize),
    /// A line.
    Edge(usize),
    /// Empty canvas.
    Nothing,
}

/// Hit-test a point, handles first, then boxes (the last drawn is on top), then lines.
pub fn hit(layout: &Layout, at: (f64, f64)) -> Hit {
    let near = |p: (f64, f64), r: f64| (p.0 - at.0).hypot(p.1 - at.1) <= r;
    if let Some(i) = (0..layout.nodes.len())
        .rev()
        .find(|&i| has_handle(layout.nodes[i].kind) && near(handle_at(layout, i), HANDLE_RADIUS))
    {
        return Hit::Handle(i);
    }
    if let Some(i) = layout
        .nodes
        .iter()
        .rposition(|n| at.0 >= n.x && at.0 <= n.x + n.w && at.1 >= n.y && at.1 <= n.y + n.h)
    {
        return Hit::Node(i);
    }
    let close = (0..layout.edges.len())
        .map(|e| {
            let curve = layout.edge_curve(e);
            let distance = (0..=24)
                .map(|k| {
                    let p = curve.at(f64::from(k) / 24.0);
                    (p.0 - at.0).hypot(p.1 - at.1)
                })
                .fold(f64::INFINITY, f64::min);
            (e, distance)
        })
        .filter(|(_, d)| *d <= LINE_TOLERANCE)
        .min_by(|a, b| a.1.total_cmp(&b.1));
    close.map_or(Hit::Nothing, |(e, _)| Hit::Edge(e))
}

/// The element a node stands for.
pub fn node_element(layout: &Layout, node: usize) -> Element {
    let n = &layout.nodes[node];
    Element::Node(n.kind, n.name.clone())
}

/// The element a line stands for: its binding, or the actor or queue it belongs to.
pub fn edge_element(layout: &Layout, edge: usize) -> Option<Element> {
    let e = &layout.edges[edge];
    match e.kind {
        EdgeKind::Binding => e.bindings.first().map(|&b| Element::Binding(b)),
        // A dead-letter line belongs to the queue whose arguments name the exchange.
        EdgeKind::Publish | EdgeKind::Alternate | EdgeKind::DeadLetter => Some(node_element(layout, e.from)),
        EdgeKind::Default | EdgeKind::Consume => Some(node_element(layout, e.to)),
    }
}

/// A gesture in progress.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Gesture {
    /// Nothing pressed.
    #[default]
    Idle,
    /// Pressed on a box; a click unless it moves.
    Pressed {
        /// The node.
        node: usize,
        /// Where the press began.
        start: (f64, f64),
        /// The pointer's offset from the node's corner.
        grab: (f64, f64),
    },
    /// Moving a box.
    Dragging {
        /// The node.
        node: usize,
        /// The pointer's offset from the node's corner.
        grab: (f64, f64),
        /// The node's corner now.
        corner: (f64, f64),
    },
    /// Drawing a line from a handle.
    Connecting {
        /// The node the line starts at.
        from: usize,
        /// The pointer.
        to: (f64, f64),
    },
}

/// What a gesture asks the playground to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Nothing.
    None,
    /// Select an element (or nothing).
    Select(Option<Element>),
    /// Show a node at a corner while it is dragged (not yet a change).
    Preview {
        /// The node.
        node: usize,
        /// Its corner.
        corner: (f64, f64),
    },
    /// Keep a node at the corner it was dropped at.
    Place {
        /// The node.
        node: usize,
        /// Its corner.
        corner: (f64, f64),
    },
    /// Connect two nodes.
    Connect {
        /// Where the line starts.
        from: usize,
        /// Where it was dropped.
        to: usize,
    },
}

impl Gesture {
    /// The pointer went down at `at`. With `editable` false (during a run) only selection works.
    pub fn down(layout: &Layout, at: (f64, f64), editable: bool) -> (Self, Intent) {
        match hit(layout, at) {
            Hit::Handle(from) if editable => (Self::Connecting { from, to: at }, Intent::None),
            Hit::Handle(node) | Hit::Node(node) => {
                let n = &layout.nodes[node];
                let gesture = if editable {
                    Self::Pressed {
                        node,
                        start: at,
                        grab: (at.0 - n.x, at.1 - n.y),
                    }
                } else {
                    Self::Idle
                };
                (gesture, Intent::Select(Some(node_element(layout, node))))
            }
            Hit::Edge(edge) => (Self::Idle, Intent::Select(edge_element(layout, edge))),
            Hit::Nothing => (Self::Idle, Intent::Select(None)),
        }
    }

    /// The pointer moved to `at`.
    pub fn moved(&mut self, at: (f64, f64)) -> Intent {
        match *self {
            Self::Pressed { node, start, grab } => {
                if (at.0 - start.0).hypot(at.1 - start.1) < DRAG_THRESHOLD {
                    return Intent::None;
                }
                let corner = ((at.0 - grab.0).max(0.0), (at.1 - grab.1).max(0.0));
                *self = Self::Dragging { node, grab, corner };
                Intent::Preview { node, corner }
            }
            Self::Dragging { node, grab, .. } => {
                let corner = ((at.0 - grab.0).max(0.0), (at.1 - grab.1).max(0.0));
                *self = Self::Dragging { node, grab, corner };
                Intent::Preview { node, corner }
            }
            Self::Connecting { from, .. } => {
                *self = Self::Connecting { from, to: at };
                Intent::None
            }
            Self::Idle => Intent::None,
        }
    }

    /// The pointer went up at `at`: the gesture ends.
    pub fn up(self, layout: &Layout, at: (f64, f64)) -> Intent {
        match self {
            Self::Dragging { node, corner, .. } => Intent::Place { node, corner },
            Self::Connecting { from, .. } => match hit(layout, at) {
                Hit::Node(to) | Hit::Handle(to) if to != from => Intent::Connect { from, to },
                _ => Intent::None,
            },
            Self::Pressed { .. } | Self::Idle => Intent::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layout::layout;
    use warren_shared::Scenario;

    fn confirms() -> Layout {
        let text = crate::gallery::example("confirms").expect("example").json;
        layout(&serde_json::from_str::<Scenario>(text).expect("parses"))
    }

    #[test]
    fn the_token_layer_places_drawing_points_where_the_svg_does() {
        // A wide drawing in a square box: letterboxed top and bottom.
        let (scale, offset) = fit((1000.0, 500.0), (500.0, 500.0)).expect("a fit");
        assert_eq!((scale, offset), (0.5, (0.0, 125.0)));
        // A tall box the other way round: bars left and right.
        let (scale, offset) = fit((400.0, 300.0), (1000.0, 450.0)).expect("a fit");
        assert_eq!((scale, offset), (1.5, (200.0, 0.0)));
        // The pointer's mapping is its inverse.
        for point in [(0.0, 0.0), (400.0, 300.0), (123.5, 77.25)] {
            let screen = (point.0 * scale + offset.0 + 10.0, point.1 * scale + offset.1 + 20.0);
            let back = to_drawing((10.0, 20.0, 1000.0, 450.0), (400.0, 300.0), screen);
            assert!(
                (back.0 - point.0).abs() < 1e-9 && (back.1 - point.1).abs() < 1e-9,
                "{back:?}"
            );
        }
        assert_eq!(fit((400.0, 300.0), (0.0, 450.0)), None, "a hidden box");
        assert_eq!(fit((0.0, 0.0), (100.0, 100.0)), None, "an empty drawing");
    }

    #[test]
    fn client_points_map_into_a_letterboxed_drawing() {
        // A 1000×500 drawing in a 500×500 box: scale 0.5, 125 px bands above and below.
        assert_eq!(
            to_drawing((10.0, 20.0, 500.0, 500.0), (1000.0, 500.0), (10.0, 145.0)),
            (0.0, 0.0)
        );
        assert_eq!(
            to_drawing((10.0, 20.0, 500.0, 500.0), (1000.0, 500.0), (510.0, 395.0)),
            (1000.0, 500.0)
        );
    }

    #[test]
    fn a_press_selects_a_drag_moves_and_a_drop_places() {
        let l = confirms();
        let q = l.find(NodeKind::Queue, "confirm-queue").expect("queue");
        let n = l.nodes[q].clone();
        let inside = (n.x + 20.0, n.y + 20.0);
        let (mut g, intent) = Gesture::down(&l, inside, true);
        assert_eq!(
            intent,
            Intent::Select(Some(Element::Node(NodeKind::Queue, "confirm-queue".into())))
        );
        assert_eq!(
            g.moved((inside.0 + 1.0, inside.1)),
            Intent::None,
            "a tremble is still a click"
        );
        assert_eq!(g.up(&l, inside), Intent::None);

        let (mut g, _) = Gesture::down(&l, inside, true);
        let to = (inside.0 + 50.0, inside.1 + 30.0);
        assert_eq!(
            g.moved(to),
            Intent::Preview {
                node: q,
                corner: (n.x + 50.0, n.y + 30.0)
            }
        );
        assert_eq!(
            g.up(&l, to),
            Intent::Place {
                node: q,
                corner: (n.x + 50.0, n.y + 30.0)
            }
        );

        let (g, _) = Gesture::down(&l, inside, false);
        assert_eq!(g, Gesture::Idle, "during a run boxes only get selected");
    }

    #[test]
    fn a_line_from_a_handle_to_a_box_connects_them() {
        let l = confirms();
        let x = l.find(NodeKind::Exchange, "confirm-exchange").expect("exchange");
        let q = l.find(NodeKind::Queue, "confirm-queue").expect("queue");
        let (mut g, intent) = Gesture::down(&l, handle_at(&l, x), true);
        assert_eq!(intent, Intent::None);
        let target = (l.nodes[q].x + 30.0, l.nodes[q].y + 10.0);
        g.moved(target);
        assert_eq!(g.up(&l, target), Intent::Connect { from: x, to: q });
        let (g, _) = Gesture::down(&l, handle_at(&l, x), true);
        assert_eq!(g.up(&l, (0.0, 0.0)), Intent::None, "dropped on nothing");
    }

    #[test]
    fn a_click_on_a_binding_selects_it() {
        let l = confirms();
        let edge = l
            .edges
            .iter()
            .position(|e| e.kind == EdgeKind::Binding)
            .expect("binding");
        let mid = l.edge_curve(edge).at(0.5);
        assert_eq!(hit(&l, mid), Hit::Edge(edge));
        let (_, intent) = Gesture::down(&l, mid, true);
        assert_eq!(intent, Intent::Select(Some(Element::Binding(0))));
        let (_, intent) = Gesture::down(&l, (-50.0, -50.0), true);
        assert_eq!(intent, Intent::Select(None));
    }
}
