//! Browser tests of building: the palette adds elements, the Edit tab shows the selection's form
//! with the shared validation problems at the field as you type, a routing key is edited on the
//! selected binding's line, Delete and Ctrl+Z / Ctrl+Shift+Z work outside text fields, and a
//! palette item dropped on the canvas lands where it was dropped.
//!
//! Run with `cargo xtask test`, or as `tests/web.rs` says.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use warren_frontend::Playground;
use warren_frontend::model::edit::Element;
use warren_frontend::model::layout::NodeKind;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, click, mount_playground, sleep, texts};

fn scenario(pg: Playground) -> serde_json::Value {
    pg.doc
        .with_untracked(|d| serde_json::from_str(&d.editor.text).expect("the editor holds JSON"))
}

fn type_into(root: &HtmlElement, testid: &str, text: &str) {
    let element = all(root, testid)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {testid}"));
    let input = element.dyn_ref::<web_sys::HtmlInputElement>().expect("an input");
    input.focus().expect("focus");
    input.set_value(text);
    let event = web_sys::Event::new_with_event_init_dict("input", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .expect("an input event");
    input.dispatch_event(&event).expect("dispatch");
}

fn key(text: &str, ctrl: bool, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(text);
    init.set_ctrl_key(ctrl);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a key event");
    let body = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .expect("a body");
    if let Some(active) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        && let Some(active) = active.dyn_ref::<HtmlElement>()
    {
        active.blur().expect("blur");
    }
    body.dispatch_event(&event).expect("dispatch");
}

#[wasm_bindgen_test]
async fn the_palette_adds_and_the_form_edits_with_problems_at_the_field() {
    let m = mount_playground();
    let (root, pg) = (m.root.clone(), m.pg);
    click(&root, "new-scenario");
    click(&root, "palette-exchange");
    click(&root, "palette-queue");
    click(&root, "palette-publisher");
    sleep(30).await;
    let s = scenario(pg);
    assert_eq!(s["exchanges"][0]["name"], "exchange-1");
    assert_eq!(s["queues"][0]["name"], "queue-1");
    assert_eq!(s["publishers"][0]["exchange"], "exchange-1");
    assert_eq!(all(&root, "node-queue").len(), 1, "drawn at once");
    // The last one added is selected and its form is open.
    assert!(dom::text(&root, "element-title").is_some_and(|t| t.contains("publisher-1")));
    assert_eq!(all(&root, "selection").len(), 1, "outlined on the canvas");

    // A count of 0 is a validation problem, shown at the field while typing.
    type_into(&root, "field-count", "0");
    sleep(30).await;
    assert_eq!(scenario(pg)["publishers"][0]["count"], 0);
    let problems = texts(&root, "field-problem");
    assert!(
        problems.iter().any(|p| p.contains("at least one message")),
        "{problems:?}"
    );
    // Not a number: said at the field, nothing changes.
    type_into(&root, "field-count", "twelve");
    sleep(30).await;
    assert!(texts(&root, "field-error").iter().any(|e| e.contains("not a number")));
    type_into(&root, "field-count", "12");
    sleep(30).await;
    assert_eq!(scenario(pg)["publishers"][0]["count"], 12);
    assert!(texts(&root, "field-error").is_empty());

    // Renaming keeps references: the publisher's exchange follows the exchange's new name.
    pg.select(Some(Element::Node(NodeKind::Exchange, "exchange-1".into())));
    sleep(30).await;
    type_into(&root, "field-name", "orders");
    sleep(30).await;
    let s = scenario(pg);
    assert_eq!(s["exchanges"][0]["name"], "orders");
    assert_eq!(s["publishers"][0]["exchange"], "orders");
    // An empty name is refused at the field.
    type_into(&root, "field-name", "");
    sleep(30).await;
    assert!(
        texts(&root, "field-error")
            .iter()
            .any(|e| e.contains("cannot be empty"))
    );
    assert_eq!(scenario(pg)["exchanges"][0]["name"], "orders");
}

#[wasm_bindgen_test]
async fn bindings_keys_on_the_line_and_delete_undo_redo_from_the_keyboard() {
    let m = mount_playground();
    let (root, pg) = (m.root.clone(), m.pg);
    pg.load_example("confirms");
    sleep(30).await;
    pg.select(Some(Element::Binding(0)));
    sleep(30).await;
    let field = all(&root, "edge-key-input");
    assert_eq!(field.len(), 1, "the selected binding's key is editable on its line");
    let input = field[0].dyn_ref::<web_sys::HtmlInputElement>().expect("an input");
    input.set_value("invoices");
    input
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    sleep(30).await;
    assert_eq!(scenario(pg)["bindings"][0]["routing_key"], "invoices");
    let labels = texts(&root, "edge-binding");
    assert!(labels.iter().any(|l| l.contains("invoices")), "{labels:?}");

    let queues_before = scenario(pg)["queues"].as_array().map_or(0, Vec::len);
    pg.select(Some(Element::Node(NodeKind::Queue, "confirm-queue".into())));
    key("Delete", false, false);
    sleep(30).await;
    assert_eq!(scenario(pg)["queues"].as_array().map_or(0, Vec::len), queues_before - 1);
    assert_eq!(
        scenario(pg)["bindings"],
        serde_json::json!([]),
        "its binding went with it"
    );
    key("z", true, false);
    sleep(30).await;
    assert_eq!(scenario(pg)["queues"].as_array().map_or(0, Vec::len), queues_before);
    assert_eq!(scenario(pg)["bindings"][0]["routing_key"], "invoices");
    key("z", true, true);
    sleep(30).await;
    assert_eq!(scenario(pg)["queues"].as_array().map_or(0, Vec::len), queues_before - 1);
    click(&root, "undo-button");
    click(&root, "undo-button");
    sleep(30).await;
    assert_eq!(
        scenario(pg)["bindings"][0]["routing_key"],
        "default",
        "back to the example's own key"
    );
}

#[wasm_bindgen_test]
async fn a_palette_item_dropped_on_the_canvas_lands_where_it_fell() {
    let m = mount_playground();
    let (root, pg) = (m.root.clone(), m.pg);
    click(&root, "new-scenario");
    sleep(30).await;
    let canvas = all(&root, "canvas").into_iter().next().expect("a canvas");
    let rect = canvas.get_bounding_client_rect();
    let data = web_sys::DataTransfer::new().expect("a data transfer");
    data.set_data("application/x-warren-kind", "queue").expect("set data");
    let init = web_sys::DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(&data));
    init.set_client_x((rect.left() + rect.width() / 2.0) as i32);
    init.set_client_y((rect.top() + rect.height() / 2.0) as i32);
    let drop = web_sys::DragEvent::new_with_event_init_dict("drop", &init).expect("a drop");
    canvas.dispatch_event(&drop).expect("dispatch");
    sleep(30).await;
    let s = scenario(pg);
    assert_eq!(s["queues"][0]["name"], "queue-1");
    let at = &s["positions"]["queue:queue-1"];
    assert!(at["x"].as_f64().is_some() && at["y"].as_f64().is_some(), "{s}");
}
