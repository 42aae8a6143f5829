//! Browser tests: mount the status panel in headless Chromium and read the DOM.
//!
//! Run with `cargo xtask test`, or by hand:
//! `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test -p warren-frontend --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use warren_frontend::{Status, StatusPanel};
use warren_shared::{BrokerInfo, Hello, Limits, NodeStatus, PROTOCOL_VERSION};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element in the page's body to mount into.
fn container() -> HtmlElement {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("a document");
    let element = document
        .create_element("div")
        .expect("create a div")
        .dyn_into::<HtmlElement>()
        .expect("a div is an HtmlElement");
    document
        .body()
        .expect("a body")
        .append_child(&element)
        .expect("append the container");
    element
}

/// Text of every element marked `data-testid="{id}"` under `root`.
fn texts(root: &HtmlElement, id: &str) -> Vec<String> {
    let found = root
        .query_selector_all(&format!("[data-testid=\"{id}\"]"))
        .expect("a valid selector");
    (0..found.length())
        .filter_map(|i| found.item(i))
        .map(|node| node.text_content().unwrap_or_default())
        .collect()
}

/// A connected status after a hello with `protocol`, `broker` and `broker_error`.
fn connected(protocol: u32, broker: Option<BrokerInfo>, broker_error: Option<&str>) -> Status {
    let mut status = Status::connecting("ws://127.0.0.1:8080/ws");
    status.opened();
    status.hello(Hello {
        protocol,
        warren_version: "0.1.0".into(),
        broker,
        broker_error: broker_error.map(str::to_owned),
        limits: Limits::default(),
        features: None,
    });
    status
}

#[wasm_bindgen_test]
async fn the_panel_shows_the_broker_and_its_nodes() {
    let broker = BrokerInfo {
        version: "3.12.1".into(),
        erlang_version: "25.3.2".into(),
        cluster_name: "warren".into(),
        nodes: vec![
            NodeStatus {
                name: "warren-1@localhost".into(),
                running: true,
            },
            NodeStatus {
                name: "warren-2@localhost".into(),
                running: false,
            },
        ],
    };
    let root = container();
    let status = RwSignal::new(connected(PROTOCOL_VERSION, Some(broker), None));
    let _mounted = mount_to(root.clone(), move || view! { <StatusPanel status=status /> });

    assert_eq!(texts(&root, "broker-version"), ["3.12.1"]);
    assert_eq!(texts(&root, "connection-state"), ["connected"]);
    assert_eq!(texts(&root, "relay-version"), ["0.1.0"]);
    assert_eq!(texts(&root, "protocol-version"), [PROTOCOL_VERSION.to_string()]);
    assert!(texts(&root, "protocol-warning").is_empty());
    let nodes = texts(&root, "node");
    assert_eq!(nodes.len(), 2, "{nodes:?}");
    assert!(nodes[0].contains("warren-1@localhost") && nodes[0].contains("running"));
    assert!(nodes[1].contains("warren-2@localhost") && nodes[1].contains("down"));

    // The panel follows the signal (on the next tick): a close shows with its reason, the
    // hello stays.
    status.update(|s| s.closed(1006, ""));
    leptos::task::tick().await;
    assert_eq!(texts(&root, "connection-state"), ["disconnected"]);
    let reason = texts(&root, "connection-reason").join("");
    assert!(reason.contains("the connection to the relay was lost"), "{reason}");
    assert_eq!(texts(&root, "broker-version"), ["3.12.1"]);
}

#[wasm_bindgen_test]
fn the_panel_warns_about_another_protocol_and_a_broker_error() {
    let root = container();
    let status = connected(PROTOCOL_VERSION + 1, None, Some("could not reach the broker"));
    let _mounted = mount_to(root.clone(), move || {
        view! { <StatusPanel status=Signal::stored(status) /> }
    });

    let warning = texts(&root, "protocol-warning").join("");
    assert!(
        warning.contains(&format!("protocol {}", PROTOCOL_VERSION + 1)),
        "{warning}"
    );
    assert_eq!(texts(&root, "broker-error"), ["could not reach the broker"]);
    assert!(texts(&root, "broker-version").is_empty());
}
