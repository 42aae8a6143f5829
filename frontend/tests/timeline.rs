//! Browser tests of the timeline editor and of what the canvas draws for dead-lettering: mount
//! the playground in headless Chromium, drag a step's marker with pointer events, and read the
//! scenario's JSON and the DOM.
//!
//! Run with `cargo xtask test`, or as `tests/web.rs` says.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use warren_frontend::Playground;
use warren_frontend::model::edit::Element;
use warren_frontend::model::timeline::Scale;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, click, mount_playground as mount};

/// Dispatch a bubbling primary-button pointer event at `client_x` on `target`.
fn pointer(target: &web_sys::Element, kind: &str, client_x: f64) {
    let dispatch = web_sys::js_sys::Function::new_with_args(
        "el, kind, x",
        "el.dispatchEvent(new PointerEvent(kind, {clientX: x, clientY: 0, button: 0, pointerId: 1, \
         isPrimary: true, bubbles: true, cancelable: true}));",
    );
    dispatch
        .call3(&wasm_bindgen::JsValue::NULL, target, &kind.into(), &client_x.into())
        .expect("dispatch a pointer event");
}

/// The marker of step `index`.
fn marker(root: &HtmlElement, index: usize) -> web_sys::Element {
    all(root, "timeline-marker")
        .into_iter()
        .find(|m| m.get_attribute("data-step").as_deref() == Some(&index.to_string()))
        .unwrap_or_else(|| panic!("no marker for step {index}"))
}

/// The lane a marker sits in: its `data-lane` and `data-name`.
fn lane_of(marker: &web_sys::Element) -> (String, String) {
    let lane = marker
        .closest("[data-testid=\"timeline-lane\"]")
        .ok()
        .flatten()
        .expect("in a lane");
    (
        lane.get_attribute("data-lane").unwrap_or_default(),
        lane.get_attribute("data-name").unwrap_or_default(),
    )
}

/// Step `index`'s time, read from the scenario's JSON.
fn json_at_ms(pg: Playground, index: usize) -> u64 {
    let value: serde_json::Value = pg
        .doc
        .with_untracked(|d| serde_json::from_str(&d.editor.text).expect("JSON"));
    value["timeline"][index]["at_ms"].as_u64().expect("at_ms")
}

#[wasm_bindgen_test]
async fn markers_sit_in_their_lanes_and_a_drag_moves_a_step_in_one_undo_step() {
    let m = mount();
    click(&m.root, "gallery-mirror-loss");
    leptos::task::tick().await;

    let markers = all(&m.root, "timeline-marker");
    assert_eq!(markers.len(), 4, "one marker per step");
    assert_eq!(
        lane_of(&marker(&m.root, 0)),
        ("node".to_owned(), "warren-3@localhost".to_owned())
    );
    let kill = marker(&m.root, 2);
    assert_eq!(kill.get_attribute("data-action").as_deref(), Some("kill_node"));
    assert_eq!(lane_of(&kill), ("node".to_owned(), "warren-2@localhost".to_owned()));
    let names: Vec<String> = all(&m.root, "timeline-lane")
        .iter()
        .filter_map(|l| l.get_attribute("data-name"))
        .collect();
    assert!(
        names.starts_with(&["before".into(), "after".into(), "consumer".into()]),
        "{names:?}"
    );
    assert_eq!(
        names.last().map(String::as_str),
        Some(""),
        "the connections lane comes last"
    );

    let span: u64 = all(&m.root, "timeline-lanes")[0]
        .get_attribute("data-span")
        .and_then(|s| s.parse().ok())
        .expect("the axis span");
    let track = kill.parent_element().expect("a track");
    let width = track.get_bounding_client_rect().width();
    assert!(width > 200.0, "the track is drawn ({width} px)");
    let x0 = kill.get_bounding_client_rect().left() + 6.0;
    let before = m.pg.doc.with_untracked(|d| d.editor.text.clone());

    pointer(&kill, "pointerdown", x0);
    pointer(&kill, "pointermove", x0 + 40.0);
    pointer(&kill, "pointermove", x0 + 87.0);
    leptos::task::tick().await;
    let expected = Scale { span_ms: span }.dragged(11_000, 87.0, width);
    assert_ne!(expected, 11_000);
    assert_eq!(expected % 100, 0, "snapped");
    let live = marker(&m.root, 2);
    assert_eq!(
        live.get_attribute("data-at"),
        Some(expected.to_string()),
        "moves while dragged"
    );
    assert!(live.class_list().contains("dragging"));
    assert_eq!(
        m.pg.doc.with_untracked(|d| d.editor.text.clone()),
        before,
        "nothing is written while dragging"
    );

    pointer(&live, "pointerup", x0 + 87.0);
    leptos::task::tick().await;
    assert_eq!(json_at_ms(m.pg, 2), expected, "written once on drop");
    assert_eq!(m.pg.doc.with_untracked(|d| d.selected.clone()), Some(Element::Step(2)));
    assert_eq!(
        all(&m.root, "timeline-step-form")[0]
            .get_attribute("data-step")
            .as_deref(),
        Some("2")
    );

    assert!(m.pg.undo());
    leptos::task::tick().await;
    assert_eq!(json_at_ms(m.pg, 2), 11_000, "one undo step restores it");
    assert_eq!(m.pg.doc.with_untracked(|d| d.editor.text.clone()), before);
    assert_eq!(marker(&m.root, 2).get_attribute("data-at").as_deref(), Some("11000"));
}

#[wasm_bindgen_test]
async fn a_click_selects_a_step_whose_problems_show_at_their_field_and_delete_removes_it() {
    let m = mount();
    click(&m.root, "gallery-outbox-outage");
    leptos::task::tick().await;
    let cut = marker(&m.root, 0);
    assert_eq!(lane_of(&cut), ("connections".to_owned(), String::new()));
    assert!(cut.class_list().contains("bar"), "a cut is drawn as long as it lasts");

    cut.dyn_ref::<HtmlElement>().expect("a button").click();
    leptos::task::tick().await;
    assert_eq!(m.pg.doc.with_untracked(|d| d.selected.clone()), Some(Element::Step(0)));
    assert_eq!(all(&m.root, "timeline-step-duration").len(), 1);

    m.pg.change(|s| s.settings.max_duration_ms = 1_000);
    leptos::task::tick().await;
    let problems: Vec<String> = all(&m.root, "timeline-problem")
        .iter()
        .map(|e| e.text_content().unwrap_or_default())
        .collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("after the run's time limit"), "{problems:?}");
    assert!(marker(&m.root, 0).class_list().contains("flawed"));

    assert!(m.pg.delete_selected());
    leptos::task::tick().await;
    assert!(all(&m.root, "timeline-marker").is_empty());
    assert!(all(&m.root, "timeline-step-form").is_empty());
}

#[wasm_bindgen_test]
async fn the_add_form_adds_a_step_where_it_says() {
    let m = mount();
    click(&m.root, "gallery-outbox-outage");
    leptos::task::tick().await;
    // The default action is stopping a node; without a hello the managed cluster's are offered.
    click(&m.root, "timeline-add-button");
    leptos::task::tick().await;
    let value: serde_json::Value =
        m.pg.doc
            .with_untracked(|d| serde_json::from_str(&d.editor.text).expect("JSON"));
    assert_eq!(
        value["timeline"][1],
        serde_json::json!({"action": "stop_node", "at_ms": 1000, "node": "warren-1@localhost"})
    );
    assert_eq!(m.pg.doc.with_untracked(|d| d.selected.clone()), Some(Element::Step(1)));
    assert_eq!(
        lane_of(&marker(&m.root, 1)),
        ("node".to_owned(), "warren-1@localhost".to_owned())
    );
}

#[wasm_bindgen_test]
async fn a_dead_letter_exchange_is_drawn_as_its_own_edge() {
    let m = mount();
    m.pg.edit(
            r#"{
                "version": 1,
                "exchanges": [{"name": "work"}, {"name": "dlx", "type": "fanout"}],
                "queues": [
                    {"name": "tasks", "arguments": {"x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "failed"}},
                    {"name": "dead"}
                ],
                "bindings": [
                    {"source": "work", "destination": "tasks", "routing_key": "task"},
                    {"source": "dlx", "destination": "dead"}
                ],
                "publishers": [{"name": "p", "exchange": "work", "routing_key": "task", "count": 20}],
                "consumers": [{"name": "worker", "queue": "tasks"}]
            }"#,
    );
    leptos::task::tick().await;
    let edges = all(&m.root, "edge-dead-letter");
    assert_eq!(edges.len(), 1);
    assert!(
        edges[0].text_content().unwrap_or_default().contains("failed"),
        "labelled with the key"
    );
}

#[wasm_bindgen_test]
async fn a_queue_whose_leader_is_down_is_marked_and_the_faulted_node_flashes() {
    use warren_shared::{Event, EventKind, NodeStatus, QueueSnapshot, event::NodeAction};
    let m = mount();
    click(&m.root, "gallery-quorum-failover");
    leptos::task::tick().await;
    assert!(all(&m.root, "queue-leader-down").is_empty());
    let node = |name: &str, running| NodeStatus {
        name: name.into(),
        running,
    };
    m.pg.run.update(|r| {
        r.nodes = Some(vec![
            node("warren-1@localhost", true),
            node("warren-2@localhost", false),
        ]);
        r.queues.insert(
            "votes".into(),
            QueueSnapshot {
                queue: "votes".into(),
                node: Some("warren-2@localhost".into()),
                ..QueueSnapshot::default()
            },
        );
        r.events.push(Event {
            t_ms: 2_000,
            kind: EventKind::NodeFault {
                node: "warren-2@localhost".into(),
                action: NodeAction::Stop,
                ok: true,
                message: String::new(),
            },
        });
        r.shown = r.events.len();
    });
    leptos::task::tick().await;
    assert_eq!(all(&m.root, "queue-leader-down").len(), 1);
    let chips = all(&m.root, "cluster-node");
    let down = chips
        .iter()
        .find(|c| c.get_attribute("title").as_deref() == Some("warren-2@localhost"))
        .expect("a chip for warren-2");
    assert!(down.class_list().contains("down") && down.class_list().contains("faulted"));
    assert!(!chips[0].class_list().contains("faulted"));
}
