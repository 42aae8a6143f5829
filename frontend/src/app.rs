//! The playground page: gallery (examples and the course's exercises), canvas (with the exercise
//! being done above it), inspector, event log and summary.
//!
//! [`App`] owns the page's state (the [`Playground`]'s signals and the connection's
//! [`Status`]), the socket and its [`Inbox`], and the keyboard; [`PlaygroundView`] is the screen
//! itself and takes everything it needs as arguments, so browser tests mount it without a relay
//! and feed an [`Inbox`] what the relay would send.

use crate::frame::{Anim, AnimLoop};
use crate::i18n;
use crate::i18n::Text;
use crate::inbox::Inbox;
use crate::keep;
use crate::model::document::Document;
use crate::model::run::{Phase, RunRecord, waiting_text};
use crate::model::state::Status;
use crate::playground::Playground;
use crate::room::RoomLink;
use crate::socket::{RelaySocket, page_ws_url};
use crate::views::canvas::Stage;
use crate::views::examples::Gallery;
use crate::views::exercises::Learning;
use crate::views::exercises::bar::exercise_bar;
use crate::views::inspector::Inspector;
use crate::views::log::event_log;
use crate::views::palette::Palette;
use crate::views::room::room_part;
use crate::views::share::{ShareBanner, ShareBar, location_hash};
use crate::views::summary::summary_panel;
use crate::views::{lang, outcome_text, tr, when_first_shown};
use leptos::prelude::*;
use std::rc::Rc;
use warren_shared::ClientMessage;

/// The whole page: the socket, the keyboard, and the playground.
#[component]
pub fn App() -> impl IntoView {
    let url = page_ws_url();
    let status = RwSignal::new(Status::connecting(url.clone()));
    // A workshop room's link (read first: the instructor's leaves the address bar).
    let search = window().location().search().unwrap_or_default();
    let entry = crate::room::entry(&search, &location_hash());
    // A link's fragment (`#s=…`) opens the scenario it carries; else the work the browser kept.
    let pg = Playground::new(Document::opened_with(&location_hash(), keep::stored().as_deref()));
    keep::keep(pg);
    let anim_loop = AnimLoop::new();
    let inbox = Inbox::new(status, pg, Rc::clone(&anim_loop));
    let anim: Anim = StoredValue::new_local(anim_loop);
    let socket = StoredValue::new_local(None::<RelaySocket>);
    let open = {
        let inbox = Rc::clone(&inbox);
        move || {
            socket.set_value(None);
            socket.set_value(RelaySocket::open(&url, Rc::clone(&inbox)));
        }
    };
    open();
    let opener = StoredValue::new_local(open);
    let reconnect = Callback::new(move |()| opener.with_value(|open| open()));
    let inbox = StoredValue::new_local(inbox);

    let send = Callback::new(move |message: ClientMessage| {
        socket.with_value(|s| match s {
            Some(socket) => socket.send(&message),
            None => Err(Text::NotConnected.text(crate::Lang::En).to_owned()),
        })
    });
    if entry.is_some() {
        // The room's part is mounted with the page: fetch its code now.
        leptos::task::spawn_local(async {
            let _ = crate::views::room::preload_room_part().await;
        });
    }
    let room = entry.map(|entry| RoomLink {
        entry: StoredValue::new(entry),
        send,
        inbox,
        reconnect,
    });
    let on_run_click = Callback::new(move |()| {
        if let Ok(value) = pg.begin_run() {
            inbox.with_value(|i| i.forget());
            anim.with_value(|a| a.new_run(pg.layout()));
            if let Err(error) = send.run(ClientMessage::Run { scenario: value }) {
                pg.run.update(|r| r.failed(error));
            }
        }
    });
    let on_stop_click = Callback::new(move |()| {
        if pg.busy() {
            pg.run.update(|r| r.stopping());
            if let Err(error) = send.run(ClientMessage::Stop) {
                pg.run.update(|r| r.failed(error));
            }
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            on_run_click.run(());
        } else if ev.key() == "Escape" {
            on_stop_click.run(());
        } else if ev.key() == " " && !typing(&ev) {
            ev.prevent_default();
            anim.with_value(|a| a.toggle_pause());
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
            room=room
        />
    }
}

/// Whether a key goes to a text field (or a list) rather than to the page's shortcuts.
fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    let Some(element) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    let tag = element.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || element.closest("[contenteditable]").ok().flatten().is_some()
}

/// The screen: header, gallery, canvas, inspector, log and summary.
#[component]
pub fn PlaygroundView(
    /// The scenario and the run.
    pg: Playground,
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
    /// The workshop room the page is in, if any.
    #[prop(optional_no_strip)]
    room: Option<RoomLink>,
) -> impl IntoView {
    let phase = Memo::new(move |_| pg.run.with(|r| r.phase()));
    // The run record is shown as far as the animation has got.
    anim.with_value(|a| a.attach(Rc::new(pg)));
    let lang = RwSignal::new(i18n::usable(i18n::initial()));
    provide_context(lang);
    // Boxes are sized for the words of the page's language (a Chinese tag is wider).
    Effect::new(move |previous: Option<()>| {
        lang.track();
        if previous.is_some() {
            pg.doc.update(Document::language_changed);
        }
    });
    // After the first render: fetch the parts the page loads on demand.
    Effect::new(move |_| leptos::task::spawn_local(crate::views::preload_parts()));
    // The document says which language it is in (for screen readers and the choice of fonts).
    Effect::new(move |_| {
        let code = lang.get().code();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", code);
        }
    });
    let load = Callback::new(move |stem: &'static str| {
        if pg.load_example(stem) {
            anim.with_value(|a| a.reset(pg.layout()));
        }
    });
    let open_text = Callback::new(move |text: String| {
        if pg.load_text(&text) {
            anim.with_value(|a| a.reset(pg.layout()));
        }
    });
    // The course and the exercise being done; a link may name one (`#exercise=<id>`).
    let learning = Learning::new(pg, &location_hash(), open_text);
    provide_context(learning);
    let has_exercise = Memo::new(move |_| {
        pg.doc
            .with(|d| d.editor.scenario.as_ref().is_some_and(|s| s.exercise.is_some()))
    });
    // Editing keys, outside text fields: Delete removes the selection, Ctrl/Cmd+Z undoes,
    // Ctrl/Cmd+Shift+Z (or Ctrl+Y) redoes.
    let editing_keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if typing(&ev) {
            return;
        }
        let command = ev.ctrl_key() || ev.meta_key();
        let key = ev.key().to_ascii_lowercase();
        let handled = match key.as_str() {
            "delete" | "backspace" if !command => pg.delete_selected(),
            "z" if command && ev.shift_key() => pg.redo(),
            "z" if command => pg.undo(),
            "y" if command => pg.redo(),
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    });
    on_cleanup(move || editing_keys.remove());
    view! {
        <div class="app">
            <Header pg=pg status=status phase=phase on_run=on_run on_stop=on_stop />
            <ShareBanner pg=pg />
            <aside class="gallery" aria-label=tr(Text::PaletteAndExamples)>
                <Palette pg=pg phase=phase />
                <Gallery pg=pg phase=phase on_load=load learning=learning status=status />
            </aside>
            <section class="stage" aria-label=tr(Text::Canvas)>
                {room.map(|link| when_first_shown(|| true, move || room_part(link, pg, status, anim, learning, phase)))}
                {when_first_shown(
                    move || has_exercise.get(),
                    move || exercise_bar(pg, learning, status, phase, on_run),
                )}
                <Stage pg=pg status=status anim=anim />
            </section>
            <aside class="inspector" aria-label=tr(Text::Inspector)>
                <Inspector pg=pg status=status phase=phase on_reconnect=on_reconnect />
            </aside>
            <section class="log" aria-label=tr(Text::EventLog)>
                {when_first_shown(|| true, move || event_log(pg))}
            </section>
            <section class="summary" aria-label=tr(Text::Summary)>
                {when_first_shown(|| true, move || summary_panel(pg, phase, anim))}
            </section>
            // On a small screen the side panels share one place; these choose which (the style
            // sheet hides them on a wide one).
            <nav class="panel-tabs" aria-label=tr(Text::Panels)>
                <label><input type="radio" name="panel" id="panel-gallery" checked />{tr(Text::Examples)}</label>
                <label><input type="radio" name="panel" id="panel-inspector" />{tr(Text::Inspector)}</label>
                <label><input type="radio" name="panel" id="panel-log" />{tr(Text::Log)}</label>
                <label><input type="radio" name="panel" id="panel-summary" />{tr(Text::Summary)}</label>
            </nav>
        </div>
    }
}

#[component]
fn Header(
    pg: Playground,
    status: RwSignal<Status>,
    phase: Memo<Phase>,
    on_run: Callback<()>,
    on_stop: Callback<()>,
) -> impl IntoView {
    let lang = lang();
    let title = move || {
        let lang = lang.get();
        pg.doc.with(|d| {
            let name = d.editor.scenario.as_ref().map(|s| s.name.clone()).unwrap_or_default();
            // A gallery example (or an exercise) keeps its name in the page's language until it
            // is renamed.
            match d.example() {
                Some(example) if example.name == name => example.name_in(lang),
                _ if name.is_empty() => Text::UntitledScenario.text(lang).to_owned(),
                _ => crate::views::exercises::title_in(d, &name, lang).unwrap_or(name),
            }
        })
    };
    let connection = move || status.with(|s| s.connection.label());
    let connection_words = move || status.with(|s| s.connection.words()).text(lang.get());
    // Running, with nothing left to publish: the consumers settle, then the relay cleans up.
    let settling = move || matches!(phase.get(), Phase::Running { .. }) && pg.run.with(RunRecord::publishers_done);
    let phase_text = move || {
        let lang = lang.get();
        let text = |t: Text| t.text(lang).to_owned();
        match phase.get() {
            Phase::Idle => text(Text::PhaseReady),
            Phase::Starting => text(Text::PhaseStarting),
            Phase::Running { .. } if settling() => text(Text::PhaseSettling),
            Phase::Running { .. } => text(Text::PhaseRunning),
            Phase::Waiting {
                position,
                estimated_wait_ms,
                ..
            } => waiting_text(position, estimated_wait_ms, lang),
            Phase::Stopping => text(Text::PhaseStopping),
            Phase::Finished { outcome } => outcome_text(outcome, lang).to_owned(),
            Phase::Invalid => text(Text::PhaseInvalid),
            Phase::Failed => text(Text::Failed),
        }
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
                    title=tr(Text::RunHelp)
                    disabled=move || phase.get().active()
                    on:click=move |_| on_run.run(())
                >
                    <span aria-hidden="true">"▶"</span>
                    " "
                    {tr(Text::Run)}
                </button>
                <button
                    type="button"
                    class="stop"
                    data-testid="stop-button"
                    title=tr(Text::StopHelp)
                    disabled=move || !phase.get().active()
                    on:click=move |_| on_stop.run(())
                >
                    <span aria-hidden="true">"■"</span>
                    " "
                    {tr(Text::Stop)}
                </button>
                <span
                    class="phase"
                    data-testid="run-phase"
                    data-phase=move || phase.get().label()
                    title=move || settling().then(|| Text::PhaseSettlingHelp.text(lang.get()))
                >
                    {phase_text}
                </span>
            </div>
            <div class="conn" data-testid="connection-indicator" data-state=connection>
                <span class="dot" aria-hidden="true"></span>
                <span>{connection_words}</span>
            </div>
            <button type="button" class="theme" data-testid="theme-toggle" on:click=toggle_theme>
                {move || {
                    let lang = lang.get();
                    let which = match theme.get() {
                        "dark" => Text::ThemeDark,
                        "light" => Text::ThemeLight,
                        _ => Text::ThemeAuto,
                    };
                    let colon = if lang == crate::Lang::Zh { "：" } else { ": " };
                    format!("{}{colon}{}", Text::Theme.text(lang), which.text(lang))
                }}
            </button>
            <LangToggle />
        </header>
    }
}

/// EN / 中文: switches every text of the page, and remembers the choice.
#[component]
fn LangToggle() -> impl IntoView {
    let lang = lang();
    // Why Chinese could not be shown, on the button's title until the next try.
    let failure = RwSignal::new(None::<String>);
    let toggle = move |_| {
        let next = lang.get_untracked().toggled();
        leptos::task::spawn_local(async move {
            if next == crate::Lang::Zh
                && let Err(error) = i18n::catalogue::load().await
            {
                failure.set(Some(error));
                return;
            }
            failure.set(None);
            lang.set(next);
            i18n::remember(next);
        });
    };
    view! {
        <button
            type="button"
            class="lang"
            data-testid="lang-toggle"
            data-lang=move || lang.get().code()
            title=move || failure.get().unwrap_or_else(|| Text::LangHelp.text(lang.get()).to_owned())
            data-error=move || failure.get().is_some().then_some("true")
            on:click=toggle
        >
            {move || lang.get().toggle_label()}
        </button>
    }
}
