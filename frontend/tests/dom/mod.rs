//! DOM helpers shared by the browser test files: mount points, lookups by `data-testid`, clicks
//! waiting, the playground mounted without a relay, and the events the relay sends for one
//! message of the backup-exchange example. Each test file uses only some of them.
#![allow(dead_code)]

use leptos::mount::mount_to;
use leptos::prelude::*;
use std::rc::Rc;
use warren_frontend::frame::AnimLoop;
use warren_frontend::{Document, Inbox, Playground, PlaygroundView, Status};
use warren_shared::{Event, EventKind};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// The playground mounted without a relay.
pub struct Mounted {
    /// Where it is mounted.
    pub root: HtmlElement,
    /// Its state.
    pub pg: Playground,
    /// Its animation loop.
    pub anim: Rc<AnimLoop>,
    /// Where what the relay would send goes.
    pub inbox: Rc<Inbox>,
    /// How many runs Run started.
    pub runs: RwSignal<u32>,
    _handle: Box<dyn std::any::Any>,
}

/// The playground as the page mounts it, with Run doing what `App` does minus the socket.
pub fn mount_playground() -> Mounted {
    let root = container();
    let pg = Playground::new(Document::new());
    let status = RwSignal::new(Status::connecting("ws://127.0.0.1:1/ws"));
    let anim_loop = AnimLoop::new();
    let inbox = Inbox::new(status, pg, Rc::clone(&anim_loop));
    let anim = StoredValue::new_local(Rc::clone(&anim_loop));
    let runs = RwSignal::new(0_u32);
    let on_run = Callback::new(move |()| {
        if pg.begin_run().is_ok() {
            anim.with_value(|a| a.new_run(pg.layout()));
            runs.update(|n| *n += 1);
        }
    });
    let on_stop = Callback::new(move |()| pg.run.update(|r| r.stopping()));
    let handle = mount_to(root.clone(), move || {
        view! { <PlaygroundView pg=pg status=status anim=anim on_run=on_run on_stop=on_stop /> }
    });
    Mounted {
        root,
        pg,
        anim: anim_loop,
        inbox,
        runs,
        _handle: Box::new(handle),
    }
}

/// A fresh element in the page's body to mount into, sized like a small laptop screen.
pub fn container() -> HtmlElement {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let element = document
        .create_element("div")
        .expect("create a div")
        .dyn_into::<HtmlElement>()
        .expect("a div is an HtmlElement");
    let _ = element.set_attribute("style", "width: 1280px; height: 720px; position: relative;");
    document.body().expect("a body").append_child(&element).expect("append");
    element
}

/// Every element marked `data-testid="{id}"` under `root`.
pub fn all(root: &HtmlElement, id: &str) -> Vec<web_sys::Element> {
    let found = root
        .query_selector_all(&format!("[data-testid=\"{id}\"]"))
        .expect("a valid selector");
    (0..found.length())
        .filter_map(|i| found.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .collect()
}

/// Text of the first element marked `id`.
pub fn text(root: &HtmlElement, id: &str) -> Option<String> {
    all(root, id).first().map(|e| e.text_content().unwrap_or_default())
}

/// Text of every element marked `id`.
pub fn texts(root: &HtmlElement, id: &str) -> Vec<String> {
    all(root, id)
        .iter()
        .map(|e| e.text_content().unwrap_or_default())
        .collect()
}

/// Click the first element marked `id`.
pub fn click(root: &HtmlElement, id: &str) {
    all(root, id)
        .first()
        .unwrap_or_else(|| panic!("no [data-testid={id}]"))
        .dyn_ref::<HtmlElement>()
        .expect("an HtmlElement")
        .click();
}

/// The value of the input or textarea marked `id`.
pub fn input_value(root: &HtmlElement, id: &str) -> String {
    let element = all(root, id)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no [data-testid={id}]"));
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        input.value()
    } else {
        element
            .dyn_ref::<web_sys::HtmlTextAreaElement>()
            .expect("an input or a textarea")
            .value()
    }
}

/// Wait `ms` milliseconds without blocking the page.
pub async fn sleep(ms: i32) {
    let promise = web_sys::js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Poll every 20 ms until `check` holds, for at most `ms` milliseconds; whether it held.
pub async fn within(ms: i32, check: impl Fn() -> bool) -> bool {
    for _ in 0..ms / 20 {
        if check() {
            return true;
        }
        sleep(20).await;
    }
    check()
}

/// An event at `t_ms`.
pub fn ev(t_ms: u64, kind: EventKind) -> Event {
    Event { t_ms, kind }
}

/// Message `i` of the backup-exchange example as the relay reports it: published and confirmed
/// at `t_ms`, delivered from backup-queue a millisecond later.
pub fn backup_message(t_ms: u64, i: u64) -> [Event; 3] {
    let id = format!("producer#{i}");
    [
        ev(
            t_ms,
            EventKind::Published {
                publisher: "producer".into(),
                id: id.clone(),
                exchange: "confirm-exchange2".into(),
                routing_key: "default2".into(),
                priority: None,
                persistent: true,
                mandatory: true,
            },
        ),
        ev(
            t_ms,
            EventKind::Confirmed {
                publisher: "producer".into(),
                id: id.clone(),
                ack: true,
            },
        ),
        ev(
            t_ms + 1,
            EventKind::Delivered {
                consumer: "backup-consumer".into(),
                queue: "backup-queue".into(),
                id,
                redelivered: false,
                priority: None,
                exchange: "confirm-exchange2".into(),
                routing_key: "default2".into(),
            },
        ),
    ]
}
