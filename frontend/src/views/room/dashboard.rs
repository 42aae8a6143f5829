//! The instructor's dashboard, over the canvas: her rooms, a new room ([`super::new_room`]),
//! the watched room's join code and link large enough for a projector, its live grid
//! ([`super::grid`]) and her actions (next exercise, send her canvas to everyone, results as CSV,
//! close). A click on a cell opens that learner's latest attempt read-only on the canvas, with its
//! checks, replayed from its recorded events.
//!
//! The token came in her link and is kept by the browser ([`crate::room::TOKEN_KEY`]); the socket
//! becomes hers with `instructor` every time it opens, and watches the room shown.

use super::api::{self, Failure};
use super::grid::{Cell, grid_table};
use super::new_room::new_room_form;
use super::words::W;
use super::{Page, said, w};
use crate::keep;
use crate::playground::Recorded;
use crate::room::TOKEN_KEY;
use crate::views::lang;
use crate::views::share::download_as;
use leptos::prelude::*;
use warren_shared::ClientMessage;
use warren_shared::room::{AttemptView, Delivered, Grid, Refusal, RefusalCode, RoomMessage, RoomView};

/// The dashboard's state.
#[derive(Clone, Copy)]
pub struct Desk {
    /// The page.
    pub page: Page,
    /// The instructor's token.
    pub token: StoredValue<String>,
    /// Her rooms, newest first.
    pub rooms: RwSignal<Vec<RoomView>>,
    /// The code of the room watched.
    pub watching: RwSignal<Option<String>>,
    /// The watched room's grid, as the relay last sent it.
    pub grid: RwSignal<Option<Grid>>,
    /// Whether the dashboard covers the canvas.
    pub shown: RwSignal<bool>,
    /// Whether the new room's form is open.
    pub creating: RwSignal<bool>,
    /// What went wrong last, in words.
    pub error: RwSignal<Option<String>>,
    /// What the last action did, in words.
    pub note: RwSignal<Option<(W, String)>>,
    /// The relay refused the token.
    pub denied: RwSignal<Option<Refusal>>,
    /// The attempt shown on the canvas: learner, attempt, exercise.
    pub viewing: RwSignal<Option<String>>,
}

impl Desk {
    /// Watch the room `code`: its grid comes now and after every change.
    pub fn watch(self, code: String) {
        self.grid.set(None);
        self.watching.set(Some(code.clone()));
        if let Err(why) = self.page.send(ClientMessage::Watch { room: code }) {
            self.error.set(Some(why));
        }
    }

    /// A call's failure, shown.
    pub fn failed(self, failure: &Failure) {
        if let Failure::Refused(refusal) = failure
            && matches!(refusal.code, RefusalCode::Unauthorized | RefusalCode::TooManyFailures)
        {
            self.denied.set(Some(refusal.clone()));
        }
        self.error.set(Some(failure.message()));
    }

    /// A room's new view, in the list.
    pub fn room_changed(self, view: RoomView) {
        self.rooms
            .update(|rooms| match rooms.iter_mut().find(|r| r.code == view.code) {
                Some(room) => *room = view,
                None => rooms.insert(0, view),
            });
    }

    /// Run an HTTP call, then `then` with its answer; a failure is shown.
    fn call<T: serde::de::DeserializeOwned + 'static>(
        self,
        method: &'static str,
        path: String,
        body: Option<String>,
        then: impl FnOnce(T) + 'static,
    ) {
        self.error.set(None);
        let token = self.token.get_value();
        leptos::task::spawn_local(async move {
            match api::json::<T>(method, &path, &token, body).await {
                Ok(answer) => then(answer),
                Err(failure) => self.failed(&failure),
            }
        });
    }
}

/// The instructor's side of the page, with her `token`.
pub fn dashboard(page: Page, token: String) -> AnyView {
    let desk = Desk {
        page,
        token: StoredValue::new(token),
        rooms: RwSignal::new(Vec::new()),
        watching: RwSignal::new(None),
        grid: RwSignal::new(None),
        shown: RwSignal::new(true),
        creating: RwSignal::new(false),
        error: RwSignal::new(None),
        note: RwSignal::new(None),
        denied: RwSignal::new(None),
        viewing: RwSignal::new(None),
    };
    page.on_connect(move || {
        let _ = page.send(ClientMessage::Instructor {
            token: desk.token.get_value(),
        });
    });
    page.read_rooms(move |message| match message {
        RoomMessage::Instructor { rooms, limits } => {
            desk.denied.set(None);
            page.use_limits(&limits);
            let first = rooms
                .iter()
                .find(|r| !r.closed)
                .or(rooms.first())
                .map(|r| r.code.clone());
            desk.creating.set(rooms.is_empty());
            desk.rooms.set(rooms);
            if let Some(code) = desk.watching.get_untracked().or(first) {
                desk.watch(code);
            }
        }
        RoomMessage::Grid(grid)
            if desk
                .watching
                .with_untracked(|w| w.as_deref() == Some(grid.room.code.as_str())) =>
        {
            desk.room_changed(grid.room.clone());
            desk.grid.set(Some(grid));
        }
        RoomMessage::Refused(refusal) => {
            if matches!(
                refusal.code,
                RefusalCode::Unauthorized | RefusalCode::TooManyFailures | RefusalCode::NoWorkshop
            ) {
                desk.denied.set(Some(refusal));
            } else {
                desk.error.set(Some(refusal.message));
            }
        }
        _ => {}
    });

    let room_options = move || {
        let watching = desk.watching.get();
        desk.rooms
            .get()
            .into_iter()
            .map(|room| {
                let selected = watching.as_deref() == Some(room.code.as_str());
                let closed = if room.closed { format!(" ({})", W::Closed.text(lang().get())) } else { String::new() };
                view! { <option value=room.code.clone() selected=selected>{format!("{} · {}{closed}", room.title, room.code)}</option> }
            })
            .collect_view()
    };
    let choose = move |ev: leptos::ev::Event| desk.watch(event_target_value(&ev));
    // The dashboard starts below the page's header, whose height depends on the screen.
    let resized = RwSignal::new(0_u32);
    let resize = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
    on_cleanup(move || resize.remove());
    let top = move || {
        resized.track();
        desk.shown.track();
        let bottom = document()
            .query_selector(".bar")
            .ok()
            .flatten()
            .map_or(52.0, |bar| bar.get_bounding_client_rect().bottom());
        format!("{}px", bottom.max(0.0).round())
    };
    view! {
        <div class="dashboard" class:hidden=move || !desk.shown.get() style:top=top data-testid="dashboard">
            <div class="dash-head">
                <h2>{w(W::Workshop)}</h2>
                <label class="dash-rooms">
                    {w(W::Rooms)}
                    <select data-testid="dash-room-select" on:change=choose>{room_options}</select>
                </label>
                <button type="button" data-testid="dash-new-room" on:click=move |_| desk.creating.set(true)>
                    "+ " {w(W::NewRoom)}
                </button>
                <span class="live" data-testid="dash-live" data-live=move || desk.grid.with(Option::is_some).then_some("true")>
                    <span class="dot" aria-hidden="true"></span>
                    {w(W::Updated)}
                </span>
                <button type="button" class="dash-hide" data-testid="dash-hide" title=w(W::ShowCanvasHelp) on:click=move |_| desk.shown.set(false)>
                    {w(W::ShowCanvas)}
                </button>
            </div>
            {move || desk.denied.get().map(denied)}
            {move || desk.error.get().map(|e| view! { <p class="notice error" role="alert" data-testid="dash-error">{e}</p> })}
            {move || desk.creating.get().then(|| new_room_form(desk))}
            {move || (desk.rooms.with(Vec::is_empty) && !desk.creating.get()).then(|| view! { <p class="muted">{w(W::NoRooms)}</p> })}
            {move || desk.grid.get().map(|grid| room_panel(desk, grid))}
        </div>
        {move || (!desk.shown.get()).then(|| view! {
            <button type="button" class="dash-open" data-testid="dash-open" on:click=move |_| desk.shown.set(true)>
                {w(W::Dashboard)}
            </button>
        })}
        {move || desk.viewing.get().filter(|_| page.pg.read_only.with(Option::is_some)).map(|what| view! {
            <p class="notice room-viewing" data-testid="attempt-viewing">
                <span>{w(W::Viewing)} " " <strong>{what}</strong></span>
                <button type="button" data-testid="attempt-back" on:click=move |_| desk.shown.set(true)>{w(W::BackToRoom)}</button>
            </p>
        })}
    }
    .into_any()
}

/// The token was refused: say so, and offer to forget it.
fn denied(refusal: Refusal) -> impl IntoView {
    let forget = move |_| {
        keep::store(TOKEN_KEY, "");
        let _ = window().location().set_href("/");
    };
    view! {
        <div class="notice error" role="alert" data-testid="dash-denied">
            <p>{w(W::NotTheInstructor)} " " {refusal.message}</p>
            <button type="button" on:click=forget>{w(W::Forget)}</button>
        </div>
    }
}

/// Whether the page was opened by an address only this machine reaches.
fn loopback(host: &str) -> bool {
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    matches!(name, "localhost" | "[::1]") || name.starts_with("127.")
}

/// The watched room: its join link and code, its actions and its grid.
fn room_panel(desk: Desk, grid: Grid) -> impl IntoView {
    let lang = lang();
    let location = window().location();
    let origin = location.origin().unwrap_or_default();
    let host = location.host().unwrap_or_default();
    let room = grid.room.clone();
    let code = room.code.clone();
    let link = format!("{origin}{}", room.join_path);
    let current = room
        .exercises
        .iter()
        .find(|e| e.id == room.current)
        .map(|e| e.title.clone());
    let at_last = room.exercises.last().is_some_and(|e| e.id == room.current);
    let closed = room.closed;
    let path = move |tail: &str| format!("/api/rooms/{}{tail}", desk.watching.get_untracked().unwrap_or_default());
    let next = move |_| {
        desk.call("POST", path("/next"), None, move |view: RoomView| {
            desk.room_changed(view)
        })
    };
    let push = move |_| {
        let scenario = desk
            .page
            .pg
            .doc
            .with_untracked(|d| serde_json::from_str::<serde_json::Value>(&d.editor.text));
        let Ok(scenario) = scenario else { return };
        let body = serde_json::json!({ "scenario": scenario }).to_string();
        desk.call("POST", path("/push"), Some(body), move |sent: Delivered| {
            desk.note.set(Some((W::SentTo, sent.sockets.to_string())));
        });
    };
    let close = move |_| {
        if window()
            .confirm_with_message(W::CloseConfirm.text(lang.get_untracked()))
            .unwrap_or(false)
        {
            desk.call("POST", path("/close"), None, move |view: RoomView| {
                desk.room_changed(view)
            });
        }
    };
    let results = move |_| {
        let token = desk.token.get_value();
        let code = desk.watching.get_untracked().unwrap_or_default();
        leptos::task::spawn_local(async move {
            match api::text("GET", &format!("/api/rooms/{code}/results.csv"), &token, None).await {
                Ok(csv) => {
                    if let Err(why) = download_as(&format!("warren-{code}-results.csv"), &csv, "text/csv") {
                        desk.error.set(Some(why));
                    }
                }
                Err(failure) => desk.failed(&failure),
            }
        });
    };
    let open = Callback::new(move |cell: Cell| open_attempt(desk, cell));
    view! {
        <section class="dash-room" data-testid="dash-room" data-code=code.clone()>
            <div class="join-big">
                <div class="join-where">
                    <div class="join-label">{w(W::JoinAt)}</div>
                    <div class="join-link" data-testid="join-link">{link}</div>
                </div>
                <div class="join-what">
                    <div class="join-label">{w(W::Code)}</div>
                    <div class="join-code" data-testid="join-code">{code.clone()}</div>
                </div>
            </div>
            {loopback(&host).then(|| view! { <p class="notice" data-testid="dash-lan-hint">{w(W::LanHint)}</p> })}
            <div class="dash-actions">
                <span class="dash-title" data-testid="dash-title">{room.title.clone()}</span>
                <span>{w(W::Current)} ": " <strong data-testid="dash-current">{move || current.as_ref().map(|t| said(t, lang.get()))}</strong></span>
                <span data-testid="dash-learners">{room.learners} " " {w(W::Learners)}</span>
                {closed.then(|| view! { <span class="badge" data-testid="dash-closed">{w(W::Closed)}</span> })}
                <span class="spacer"></span>
                <button type="button" data-testid="dash-next" disabled=closed || at_last on:click=next>{w(W::Next)} " →"</button>
                <button type="button" data-testid="dash-push" title=w(W::SendToAllHelp) disabled=closed on:click=push>{w(W::SendToAll)}</button>
                <button type="button" data-testid="dash-csv" on:click=results>{w(W::Results)}</button>
                <button type="button" class="danger" data-testid="dash-close" disabled=closed on:click=close>{w(W::Close)}</button>
            </div>
            {move || desk.note.get().map(|(word, what)| view! { <p class="notice ok" data-testid="dash-note">{move || format!("{} {what}", word.text(lang.get()))}</p> })}
            {grid_table(grid, open)}
        </section>
    }
}

/// Open the learner's latest attempt at the cell's exercise, read-only on the canvas.
fn open_attempt(desk: Desk, cell: Cell) {
    let code = desk.watching.get_untracked().unwrap_or_default();
    let path = format!("/api/rooms/{code}/attempts/{}/{}", cell.seat, cell.exercise);
    desk.call("GET", path, None, move |attempt: AttemptView| {
        let Ok(text) = serde_json::to_string_pretty(&attempt.scenario) else {
            return;
        };
        let lang = lang().get_untracked();
        let title = desk
            .grid
            .with_untracked(|g| {
                let exercise = g.as_ref()?.room.exercises.iter().find(|e| e.id == attempt.exercise)?;
                Some(said(&exercise.title, lang))
            })
            .unwrap_or_else(|| attempt.exercise.clone());
        let verdict = if attempt.passed { W::Passed } else { W::Failed };
        let what = format!(
            "{} · {title} · {} {} · {}",
            attempt.name,
            W::AttemptNo.text(lang),
            attempt.attempt,
            verdict.text(lang)
        );
        let recorded = Recorded {
            run_id: format!("attempt-{}", attempt.attempt),
            events: attempt.events,
            outcome: attempt.outcome,
            summary: attempt.summary,
            checks: attempt.checks,
        };
        let why = crate::i18n::Text::AttemptReadOnly.text(crate::Lang::En).to_owned();
        let shown = desk
            .page
            .anim
            .with_value(|anim| desk.page.pg.show_recorded(anim, &text, recorded, why));
        if shown {
            desk.viewing.set(Some(what));
            desk.shown.set(false);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::loopback;

    #[test]
    fn an_address_only_this_machine_reaches_is_told_apart() {
        assert!(loopback("127.0.0.1:8080"));
        assert!(loopback("localhost:8080"));
        assert!(loopback("[::1]:8080"));
        assert!(!loopback("192.168.1.20:8080"));
        assert!(!loopback("warren.example"));
    }
}
