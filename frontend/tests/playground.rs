//! Browser tests of the playground: mount it in headless Chromium, feed it what the relay would
//! send, and read the DOM by `data-testid`.
//!
//! Run with `cargo xtask test`, or as `tests/web.rs` says.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use warren_shared::{Event, EventKind, Outcome, ServerMessage, summary::summarize};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{Mounted, all, backup_message, click, ev, mount_playground as mount, sleep, texts, within};

/// What the relay sends for `n` messages of the backup-exchange example.
fn backup_events(n: u64) -> Vec<Event> {
    (1..=n).flat_map(|i| backup_message(i, i)).collect()
}

#[wasm_bindgen_test]
async fn the_gallery_loads_examples_and_the_default_is_publisher_confirms() {
    let m = mount();
    assert_eq!(all(&m.root, "gallery-confirms").len(), 1);
    assert_eq!(all(&m.root, "gallery-backup-exchange").len(), 1);
    assert!(texts(&m.root, "description").join("").contains("100 acks"));
    assert_eq!(texts(&m.root, "scenario-title"), ["Publisher confirms"]);

    click(&m.root, "gallery-backup-exchange");
    leptos::task::tick().await;
    assert_eq!(texts(&m.root, "scenario-title"), ["Backup exchange"]);
    assert!(texts(&m.root, "description").join("").contains("backup-queue"));
    let exchanges: Vec<String> = all(&m.root, "node-exchange")
        .iter()
        .filter_map(|e| e.get_attribute("data-name"))
        .collect();
    assert_eq!(exchanges, ["confirm-exchange2", "backup-exchange"]);
    assert_eq!(all(&m.root, "edge-alternate").len(), 1);
    let json = all(&m.root, "scenario-json")[0]
        .clone()
        .dyn_into::<web_sys::HtmlTextAreaElement>()
        .expect("a textarea")
        .value();
    assert!(json.contains("\"alternate-exchange\""), "{json}");
}

#[wasm_bindgen_test]
async fn a_run_animates_logs_and_ends_with_the_summary() {
    let m = mount();
    theme_colours(Some(("#ff0000", "#0000ff")));
    click(&m.root, "gallery-backup-exchange");
    leptos::task::tick().await;
    click(&m.root, "run-button");
    leptos::task::tick().await;
    assert_eq!(m.runs.get_untracked(), 1);
    let phase = |m: &Mounted| all(&m.root, "run-phase")[0].get_attribute("data-phase");
    assert_eq!(phase(&m).as_deref(), Some("starting"));

    m.inbox.receive(ServerMessage::Accepted { run_id: "r".into() });
    let events = backup_events(20);
    m.inbox.receive(ServerMessage::Events {
        run_id: "r".into(),
        events: events.clone(),
    });
    leptos::task::tick().await;
    assert_eq!(phase(&m).as_deref(), Some("running"));
    sleep(150).await;
    let (live, drawn) = token_counts(&m.root);
    assert!(live > 0 && live <= 20, "{live} tokens");
    // At most two per message: its publish and, when that token is gone, its delivery.
    assert!(drawn >= live && drawn <= 40, "{drawn} tokens started");
    assert!(token_pixels(&m.root) > 0, "the tokens are painted on the canvas");
    theme_colours(None);
    assert_layer_over_canvas(&m.root);
    assert!(!all(&m.root, "event-row").is_empty());
    // The counters follow the tokens: the broker published all 20 at once, the animation lets
    // them out one by one.
    let published = || {
        texts(&m.root, "live-published")
            .first()
            .and_then(|n| n.parse::<u64>().ok())
    };
    assert!(published().is_some_and(|n| n < 20), "{:?}", published());
    assert!(
        within(4_000, || published() == Some(20)).await,
        "the counter reaches 20 with the animation: {:?}",
        published()
    );

    let mut finished = events.clone();
    finished.push(ev(
        30,
        EventKind::RunFinished {
            outcome: Outcome::Completed,
            message: None,
        },
    ));
    let scenario =
        m.pg.doc
            .with_untracked(|d| d.editor.scenario.clone())
            .expect("scenario");
    let summary = summarize(&scenario, &finished);
    m.inbox.receive(ServerMessage::Events {
        run_id: "r".into(),
        events: finished[events.len()..].to_vec(),
    });
    m.inbox.receive(ServerMessage::Finished {
        run_id: "r".into(),
        outcome: Outcome::Completed,
        summary,
        checks: Vec::new(),
    });
    leptos::task::tick().await;
    assert!(
        within(4_000, || texts(&m.root, "summary-published") == ["20"]).await,
        "the summary once the animation has reached the end"
    );
    assert_eq!(texts(&m.root, "summary-acked"), ["20"]);
    assert_eq!(texts(&m.root, "summary-nacked"), ["0"]);
    assert_eq!(texts(&m.root, "summary-returned"), ["0"]);
    assert_eq!(texts(&m.root, "summary-lost"), ["0"]);
    assert_eq!(texts(&m.root, "summary-delivered-backup-queue"), ["20"]);
    assert_eq!(phase(&m).as_deref(), Some("finished"));

    // Filtering by id keeps that message's rows; clicking one highlights its path.
    m.pg.run.update(|r| {
        r.set_filter(warren_frontend::model::run::LogFilter {
            id: "producer#20".into(),
            ..Default::default()
        })
    });
    leptos::task::tick().await;
    assert_eq!(texts(&m.root, "log-count"), ["3 of 61 events"]);
    let rows = all(&m.root, "event-row");
    assert_eq!(rows.len(), 3);
    let row = rows
        .iter()
        .find(|r| r.text_content().unwrap_or_default().contains("producer#20"))
        .expect("a row of producer#20");
    row.dyn_ref::<HtmlElement>().expect("element").click();
    leptos::task::tick().await;
    let lit = m.root.query_selector_all(".node.hl").expect("selector").length();
    assert_eq!(lit, 5, "publisher, both exchanges, backup-queue, backup-consumer");
}

#[wasm_bindgen_test]
async fn rabbitmqs_words_show_under_the_actor_and_in_the_log() {
    let m = mount();
    click(&m.root, "gallery-backup-exchange");
    leptos::task::tick().await;
    click(&m.root, "run-button");
    leptos::task::tick().await;
    m.inbox.receive(ServerMessage::Accepted { run_id: "r".into() });
    let text = "ACCESS_REFUSED - cannot publish to internal exchange 'confirm-exchange2' in vhost 'v'";
    let mut events = backup_events(1).to_vec();
    events.push(ev(
        5,
        EventKind::ChannelClosed {
            actor: "producer".into(),
            code: 403,
            text: text.into(),
        },
    ));
    m.inbox.receive(ServerMessage::Events {
        run_id: "r".into(),
        events,
    });
    leptos::task::tick().await;
    sleep(150).await;
    let closed: Vec<String> = texts(&m.root, "actor-closed")
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(
        closed,
        ["closed: 403 ACCESS_REFUSED"],
        "only the producer's box says it"
    );
    let rows: Vec<String> = all(&m.root, "event-row")
        .iter()
        .filter_map(|r| r.text_content())
        .collect();
    assert!(
        rows.iter()
            .any(|r| r.contains("channel closed") && r.contains(&format!("403 {text}"))),
        "{rows:?}"
    );
}

#[wasm_bindgen_test]
async fn problems_stop_the_run_and_show_their_paths() {
    let m = mount();
    m.pg.edit(r#"{"version": 1, "publishers": [{"name": "p", "exchange": "nope", "count": 1}]}"#);
    leptos::task::tick().await;
    assert!(
        texts(&m.root, "editor-problems")
            .join("")
            .contains("publishers[0].exchange")
    );
    click(&m.root, "run-button");
    leptos::task::tick().await;
    assert_eq!(m.runs.get_untracked(), 0, "nothing is sent");
    let problems = texts(&m.root, "problems").join("");
    assert!(problems.contains("publishers[0].exchange"), "{problems}");
    assert!(problems.contains("no exchange named"), "{problems}");
}

#[wasm_bindgen_test]
async fn a_long_log_draws_only_the_rows_in_view_and_floods_are_counted() {
    let m = mount();
    click(&m.root, "gallery-backup-exchange");
    leptos::task::tick().await;
    click(&m.root, "run-button");
    m.inbox.receive(ServerMessage::Accepted { run_id: "r".into() });
    let events = backup_events(5_000);
    for chunk in events.chunks(512) {
        m.inbox.receive(ServerMessage::Events {
            run_id: "r".into(),
            events: chunk.to_vec(),
        });
    }
    leptos::task::tick().await;
    sleep(100).await;
    assert_eq!(texts(&m.root, "log-count"), ["15,000 events"]);
    let rows = all(&m.root, "event-row").len();
    assert!(rows > 0 && rows < 80, "{rows} rows drawn");
    assert!(token_counts(&m.root).0 <= warren_frontend::model::anim::MAX_TOKENS);
    let (drawn, counted) = m.anim.drawn_and_counted();
    assert!(counted > 0, "drawn {drawn}, counted {counted}");
}

/// A flood is absorbed quickly (a debug build does 60 000 events in well under a second here;
/// the bound is generous for slow machines).
#[wasm_bindgen_test]
async fn a_flood_of_events_is_absorbed_quickly() {
    let m = mount();
    click(&m.root, "gallery-backup-exchange");
    leptos::task::tick().await;
    click(&m.root, "run-button");
    m.inbox.receive(ServerMessage::Accepted { run_id: "r".into() });
    let events = backup_events(20_000);
    let perf = web_sys::window().and_then(|w| w.performance()).expect("performance");
    let start = perf.now();
    let mut worst = 0.0_f64;
    for chunk in events.chunks(512) {
        let t = perf.now();
        m.inbox.receive(ServerMessage::Events {
            run_id: "r".into(),
            events: chunk.to_vec(),
        });
        leptos::task::tick().await;
        worst = worst.max(perf.now() - t);
    }
    // Events reach the run record from the inbox ten times a second; hand over what is waiting.
    m.inbox.flush();
    leptos::task::tick().await;
    let total = perf.now() - start;
    // The counters follow the animation; End takes it to the last event at once.
    click(&m.root, "jump-end-button");
    leptos::task::tick().await;
    web_sys::console::log_1(&format!("60000 events: {total:.0} ms, worst batch {worst:.1} ms").into());
    assert!(total < 10_000.0, "60000 events took {total:.0} ms");
    assert!(worst < 1_000.0, "a batch of 512 took {worst:.0} ms");
    assert!(
        within(5_000, || texts(&m.root, "live-published") == ["20000"]).await,
        "a flood is counted: {:?}",
        texts(&m.root, "live-published")
    );
}

/// The token layer's counters: tokens on the canvas now (`data-live`) and tokens started since
/// the animation was reset (`data-drawn`).
fn token_counts(root: &HtmlElement) -> (usize, usize) {
    let layer = all(root, "token-layer");
    assert_eq!(layer.len(), 1, "one token layer");
    let number = |name: &str| layer[0].get_attribute(name).and_then(|n| n.parse().ok());
    (
        number("data-live").expect("a count of live tokens"),
        number("data-drawn").expect("a count of tokens started"),
    )
}

/// Colours for the canvas to read from the theme: tokens pure red, and blue the tones that
/// flashes take (acked, nacked, delivered), so tokens and flashes can be told apart; `None` takes them away again. The theme is
/// switched too, as the header's button does, which tells the canvas to read its colours again.
fn theme_colours(colours: Option<(&str, &str)>) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .expect("an <html> element");
    let style = root.dyn_ref::<HtmlElement>().expect("an HtmlElement").style();
    let tones = ["flying", "backedup", "returned", "lost", "stored", "redelivered"];
    for tone in tones {
        match colours {
            Some((token, _)) => style.set_property(&format!("--o-{tone}"), token),
            None => style.remove_property(&format!("--o-{tone}")).map(drop),
        }
        .expect("set a colour");
    }
    for tone in ["acked", "nacked", "delivered"] {
        match colours {
            Some((_, flash)) => style.set_property(&format!("--o-{tone}"), flash),
            None => style.remove_property(&format!("--o-{tone}")).map(drop),
        }
        .expect("set a colour");
    }
    match colours {
        Some(_) => root.set_attribute("data-theme", "light").expect("set the theme"),
        None => root.remove_attribute("data-theme").expect("reset the theme"),
    }
}

/// Pixels of the token layer painted in the tokens' colour of [`theme_colours`] (pure red).
fn token_pixels(root: &HtmlElement) -> usize {
    let canvas: web_sys::HtmlCanvasElement = all(root, "token-layer")[0].clone().dyn_into().expect("a canvas");
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .expect("a context")
        .expect("a 2d context")
        .dyn_into()
        .expect("a 2d context");
    let (w, h) = (canvas.width(), canvas.height());
    assert!(w > 0 && h > 0, "the canvas has a size: {w}×{h}");
    let pixels = context
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .expect("the canvas's pixels")
        .data();
    pixels
        .chunks_exact(4)
        .filter(|p| p[0] > 200 && p[1] < 60 && p[2] < 60 && p[3] > 200)
        .count()
}

/// The token layer covers the topology's SVG exactly and lets the pointer through to it.
fn assert_layer_over_canvas(root: &HtmlElement) {
    let layer = all(root, "token-layer")[0].clone();
    let svg = all(root, "canvas")[0].clone();
    svg.scroll_into_view();
    let (a, b) = (layer.get_bounding_client_rect(), svg.get_bounding_client_rect());
    let box_of = |r: &web_sys::DomRect| [r.left(), r.top(), r.width(), r.height()];
    assert!(
        box_of(&a).iter().zip(box_of(&b)).all(|(a, b)| (a - b).abs() < 0.5),
        "the token layer {:?} lies over the SVG {:?}",
        box_of(&a),
        box_of(&b)
    );
    assert!(b.width() > 0.0 && b.height() > 0.0);
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let under = document
        .element_from_point((b.left() + b.width() / 2.0) as f32, (b.top() + b.height() / 2.0) as f32)
        .expect("an element under the canvas's centre");
    assert!(
        under != layer && svg.contains(Some(&under)),
        "the pointer reaches the SVG, not the token layer: {}",
        under.outer_html().chars().take(80).collect::<String>()
    );
}
