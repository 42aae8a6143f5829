//! The learner's side of a room: the join form, then the room's strip above the canvas with its
//! exercises and the learner's own progress (as the relay recorded it), and the instructor's news.
//!
//! The seat's secret is kept in `localStorage` ([`super::seats`], one per room); every time the
//! socket opens the page sends `rejoin` with the seat of the room its link names, so a reload or
//! a relay restart puts the learner back in the same seat. A join link to a room the browser has
//! no seat in asks for a name.

use super::seats::{forget_seat, keep_seat, kept_seat};
use super::words::W;
use super::{Page, said, seconds, w};
use crate::i18n::Lang;
use crate::views::exercises::{RoomExercise, exercise_id};
use crate::views::lang;
use leptos::prelude::*;
use serde_json::Value;
use warren_shared::ClientMessage;
use warren_shared::exercise::Text;
use warren_shared::room::{ExerciseProgress, ProgressState, Refusal, RefusalCode, RoomMessage, Seat, SolutionPolicy};

/// News from the room, shown under its strip until dismissed.
#[derive(Debug, Clone, PartialEq)]
enum News {
    /// The instructor moved the room on to the exercise with this title.
    MovedOn(Text),
    /// The instructor sent this scenario.
    Pushed(Value),
    /// A run (or a request) was refused.
    Refused(Refusal),
}

impl News {
    /// Add this news to `news` (newest last), in place of an older one of the same kind, which
    /// it makes stale: the room has moved on again, a newer scenario came, a newer refusal.
    fn add_to(self, news: &mut Vec<News>) {
        news.retain(|old| std::mem::discriminant(old) != std::mem::discriminant(&self));
        news.push(self);
    }
}

/// The learner's side of the page, for a join link with `code` (none: back to a kept seat).
pub fn learner_room(page: Page, code: Option<String>) -> AnyView {
    let seat = RwSignal::new(None::<Seat>);
    let asking = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<Refusal>);
    let joining = RwSignal::new(false);
    let news = RwSignal::new(Vec::<News>::new());
    let code = StoredValue::new(code);

    page.on_connect(move || {
        let wanted = code.get_value();
        match (kept_seat(wanted.as_deref()), wanted) {
            (Some(kept), _) => {
                joining.set(true);
                let _ = page.send(ClientMessage::Rejoin { seat: kept.secret });
            }
            (None, Some(wanted)) => asking.set(Some(wanted)),
            (None, None) => {}
        }
    });

    page.read_rooms(move |message| match message {
        RoomMessage::Seat(new) => {
            joining.set(false);
            keep_seat(&new.room.code, &new.seat);
            asking.set(None);
            error.set(None);
            let first = seat.with_untracked(Option::is_none);
            solutions_of(page, &new);
            if first && !on_room_exercise(page, &new) {
                let at = new
                    .room
                    .exercises
                    .iter()
                    .position(|e| e.id == new.room.current)
                    .unwrap_or(0);
                open_exercise(page, &new, at);
            }
            seat.set(Some(new));
        }
        RoomMessage::Room(view) => seat.update(|s| {
            if let Some(s) = s {
                if view.current != s.room.current
                    && let Some(next) = view.exercises.iter().find(|e| e.id == view.current)
                {
                    news.update(|n| News::MovedOn(next.title.clone()).add_to(n));
                }
                s.room = view;
            }
        }),
        RoomMessage::Recorded { progress, .. } => {
            seat.update(|s| {
                if let Some(s) = s
                    && let Some(entry) = s.progress.iter_mut().find(|p| p.exercise == progress.exercise)
                {
                    *entry = progress;
                }
            });
            if let Some(s) = seat.get_untracked() {
                solutions_of(page, &s);
            }
        }
        RoomMessage::Solution { exercise, scenario } => {
            page.learning.room_exercises.update(|room| {
                let room = room.get_or_insert_default();
                match room.iter_mut().find(|e| e.id == exercise) {
                    Some(shown) => shown.solution = Ok(scenario),
                    None => room.push(RoomExercise {
                        id: exercise,
                        solution: Ok(scenario),
                    }),
                }
            });
        }
        RoomMessage::Pushed(push) => news.update(|n| News::Pushed(push.scenario).add_to(n)),
        RoomMessage::Refused(refusal) => refused(
            page,
            refusal,
            Joining {
                asking,
                error,
                joining,
                news,
            },
            code,
        ),
        RoomMessage::Instructor { .. } | RoomMessage::Grid(_) => {}
    });

    // A room that lets learners run its exercises that stop nodes runs them with other limits:
    // the page checks each exercise against the limits it will run with.
    Effect::new(move |_| {
        let on = page.pg.doc.with(exercise_id);
        let hello = page.status.with(|s| s.hello.as_ref().map(|h| h.limits.clone()));
        let wanted = seat.with(|s| {
            let s = s.as_ref()?;
            let faults = s.fault_limits.clone()?;
            let stops_nodes = s
                .room
                .exercises
                .iter()
                .any(|e| Some(&e.id) == on.as_ref() && e.needs_node_faults);
            Some(if stops_nodes {
                faults
            } else {
                warren_shared::Limits {
                    node_faults: false,
                    ..faults
                }
            })
        });
        if let (Some(wanted), Some(_)) = (wanted, hello) {
            page.use_limits(&wanted);
        }
    });

    let lang = lang();
    view! {
        {move || asking.get().map(|code| join_form(page, code, error, joining))}
        {move || seat.get().map(|s| strip(page, s, news))}
        {move || (seat.with(Option::is_none) && asking.with(Option::is_none)).then(|| {
            // Rejoining, or the room refused the seat for a reason the news say.
            news_list(page, news, lang)
        })}
    }
    .into_any()
}

/// Where the learner stands in joining, and the room's news.
#[derive(Clone, Copy)]
struct Joining {
    /// The code the join form asks a name for (none: no form).
    asking: RwSignal<Option<String>>,
    /// Why the last join was refused.
    error: RwSignal<Option<Refusal>>,
    /// A join or rejoin is on its way.
    joining: RwSignal<bool>,
    /// The room's news.
    news: RwSignal<Vec<News>>,
}

/// A refusal, where it belongs: the join form's, the run's, or the news.
fn refused(page: Page, refusal: Refusal, j: Joining, code: StoredValue<Option<String>>) {
    let Joining {
        asking,
        error,
        joining,
        news,
    } = j;
    joining.set(false);
    match refusal.code {
        RefusalCode::UnknownSeat => {
            // The relay no longer knows the seat (another relay, a new database): join again.
            let wanted = code.get_value();
            let tried = kept_seat(wanted.as_deref()).map(|kept| kept.code);
            if let Some(tried) = &tried {
                forget_seat(tried);
            }
            asking.set(wanted.or(tried));
            error.set(Some(refusal));
        }
        RefusalCode::NoRoom | RefusalCode::NameTaken | RefusalCode::BadName | RefusalCode::TooManyFailures
            if asking.with_untracked(Option::is_some) =>
        {
            error.set(Some(refusal));
        }
        _ => {
            if page.pg.busy() {
                page.pg.run.update(|r| r.failed(refusal.message.clone()));
            }
            news.update(|n| News::Refused(refusal).add_to(n));
        }
    }
}

/// Whether the page shows one of the seat's room's exercises.
fn on_room_exercise(page: Page, seat: &Seat) -> bool {
    let id = page.pg.doc.with_untracked(exercise_id);
    id.is_some_and(|id| seat.room.exercises.iter().any(|e| e.id == id))
}

/// The room's exercises and what it shows of each one's solution, into the exercise bar's reach;
/// asks the relay for the solutions the learner may now see and has not got.
fn solutions_of(page: Page, seat: &Seat) {
    let known = page.learning.room_exercises.get_untracked().unwrap_or_default();
    let mut now = Vec::new();
    for (exercise, progress) in seat.room.exercises.iter().zip(&seat.progress) {
        let id = exercise.id.clone();
        let shown = known.iter().find(|e| e.id == id).and_then(|e| e.solution.clone().ok());
        let solution = match shown {
            Some(solution) => Ok(solution),
            None => {
                if progress.solution_available {
                    let _ = page.send(ClientMessage::Solution { exercise: id.clone() });
                }
                Err(withheld(seat.room.solutions))
            }
        };
        now.push(RoomExercise { id, solution });
    }
    page.learning.room_exercises.set(Some(now));
}

/// Why the solution is not shown yet, in both languages.
fn withheld(policy: SolutionPolicy) -> Text {
    let both = |word: W, tail: String| Text {
        en: format!("{}{tail}", word.text(Lang::En)),
        zh: format!("{}{tail}", word.text(Lang::Zh)),
    };
    match policy {
        SolutionPolicy::Never => both(W::NoSolutionHere, String::new()),
        SolutionPolicy::After { attempts } => both(W::SolutionAfter, format!(" {attempts}")),
        SolutionPolicy::Always => both(W::SolutionComing, String::new()),
    }
}

/// Open the seat's exercise at `at` from its start (Undo brings the learner's work back). The
/// room sends it without its solution: the room's, once shown, or the start stands in for it.
fn open_exercise(page: Page, seat: &Seat, at: usize) {
    let Some(mut document) = seat.scenarios.get(at).cloned() else {
        return;
    };
    let id = document["exercise"]["id"].as_str().unwrap_or_default().to_owned();
    let shown = page
        .learning
        .room_exercises
        .with_untracked(|room| room.as_ref()?.iter().find(|e| e.id == id)?.solution.clone().ok());
    let solution = shown.unwrap_or_else(|| {
        let mut start = document.clone();
        if let Some(start) = start.as_object_mut() {
            start.remove("exercise");
        }
        start
    });
    if let Some(exercise) = document.get_mut("exercise").and_then(Value::as_object_mut) {
        exercise.insert("solution".to_owned(), solution);
    }
    if let Ok(text) = serde_json::to_string_pretty(&document) {
        page.learning.open.run(text);
    }
}

/// The join form: a name for the room `code`.
fn join_form(page: Page, code: String, error: RwSignal<Option<Refusal>>, joining: RwSignal<bool>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let code_sent = code.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = name.get_untracked();
        joining.set(true);
        error.set(None);
        if let Err(why) = page.send(ClientMessage::Join {
            room: code_sent.clone(),
            name,
        }) {
            joining.set(false);
            error.set(Some(Refusal::new(RefusalCode::Unavailable, why)));
        }
    };
    view! {
        <section class="room-join" data-testid="room-join">
            <form on:submit=submit>
                <h2>{w(W::JoinTitle)} " " <code class="room-code" data-testid="room-join-code">{code}</code></h2>
                <p class="muted">{w(W::JoinWhy)}</p>
                <label>
                    {w(W::YourName)}
                    <input
                        type="text"
                        data-testid="room-name"
                        maxlength="40"
                        autocomplete="nickname"
                        required
                        prop:value=name
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="run" data-testid="room-join-button" disabled=move || joining.get()>
                    {move || if joining.get() { w(W::Joining)() } else { w(W::Join)() }}
                </button>
                {move || error.get().map(|e| view! { <p class="notice error" role="alert" data-testid="room-error">{e.message}</p> })}
            </form>
        </section>
    }
}

/// The seated learner's strip: the room, the exercises with their progress, the news.
fn strip(page: Page, seat: Seat, news: RwSignal<Vec<News>>) -> impl IntoView {
    let lang = lang();
    let on = Memo::new(move |_| page.pg.doc.with(exercise_id));
    let seat = StoredValue::new(seat);
    let exercises = seat.with_value(|s| {
        s.room
            .exercises
            .iter()
            .zip(&s.progress)
            .enumerate()
            .map(|(at, (exercise, progress))| {
                let id = exercise.id.clone();
                let id_now = id.clone();
                let current = seat.with_value(|s| s.room.current == id);
                let title = exercise.title.clone();
                let blocked = !exercise.learners_may_run;
                let progress = progress.clone();
                let tip = progress_words(&progress, lang.get_untracked());
                view! {
                    <li>
                        <button
                            type="button"
                            class="room-ex"
                            class:current=current
                            data-testid="room-exercise"
                            data-id=id
                            data-state=progress.state.as_str()
                            aria-current=move || (on.get().as_deref() == Some(id_now.as_str())).then_some("true")
                            title=move || if blocked { W::FaultsForDemos.text(lang.get()).to_owned() } else { tip.clone() }
                            disabled=move || page.phase.get().active()
                            on:click=move |_| seat.with_value(|s| open_exercise(page, s, at))
                        >
                            <span class="n">{at + 1}"."</span>
                            " "
                            {move || said(&title, lang.get())}
                            " "
                            <span class="mark">{mark(&progress)}</span>
                            {current.then(|| view! { <span class="now">{w(W::Now)}</span> })}
                        </button>
                    </li>
                }
            })
            .collect_view()
    });
    let leave = move |_| {
        seat.with_value(|s| forget_seat(&s.room.code));
        let _ = window().location().set_href("/");
    };
    view! {
        <section class="room-strip" data-testid="room-strip">
            <div class="room-line">
                <span class="room-badge">{w(W::Room)}</span>
                <strong data-testid="room-title">{seat.with_value(|s| s.room.title.clone())}</strong>
                <span class="room-you" data-testid="room-you">{w(W::You)}": " {seat.with_value(|s| s.name.clone())}</span>
                <ol class="room-exercises">{exercises}</ol>
                <button type="button" class="room-leave" title=w(W::LeaveHelp) on:click=leave>{w(W::Leave)}</button>
            </div>
            {seat.with_value(|s| s.room.closed).then(|| view! { <p class="notice" data-testid="room-closed">{w(W::RoomClosed)}</p> })}
            {news_list(page, news, lang)}
        </section>
    }
}

/// The news, newest last, each with its action and a dismiss button.
fn news_list(page: Page, news: RwSignal<Vec<News>>, lang: RwSignal<Lang>) -> impl IntoView {
    move || {
        news.get()
            .into_iter()
            .enumerate()
            .map(|(at, item)| {
                let dismiss = move |_| news.update(|n| {
                    if at < n.len() {
                        n.remove(at);
                    }
                });
                let (text, action) = match item {
                    News::MovedOn(title) => (format!("{} {}", W::MovedOn.text(lang.get()), said(&title, lang.get())), None),
                    News::Pushed(scenario) => {
                        let name = scenario["name"].as_str().unwrap_or_default().to_owned();
                        (format!("{} {name}", W::Pushed.text(lang.get())), Some(scenario))
                    }
                    News::Refused(r) => {
                        let wait = r
                            .retry_after_ms
                            .map(|ms| format!(" ({} {} s)", W::TryAgainIn.text(lang.get()), seconds(ms)))
                            .unwrap_or_default();
                        (format!("{} {}{wait}", W::Refused.text(lang.get()), r.message), None)
                    }
                };
                let open = action.map(|scenario| {
                    let open = move |_| {
                        if let Ok(text) = serde_json::to_string_pretty(&scenario) {
                            page.learning.open.run(text);
                        }
                        news.update(|n| {
                            if at < n.len() {
                                n.remove(at);
                            }
                        });
                    };
                    view! { <button type="button" data-testid="room-news-open" title=w(W::OpenHelp) on:click=open>{w(W::Open)}</button> }
                });
                view! {
                    <p class="notice room-news" data-testid="room-news">
                        <span>{text}</span>
                        {open}
                        <button type="button" on:click=dismiss>{w(W::Dismiss)}</button>
                    </p>
                }
            })
            .collect_view()
    }
}

/// A progress's mark on a chip: ✓ passed, ✗ and the attempts while trying.
pub fn mark(progress: &ExerciseProgress) -> String {
    match progress.state {
        ProgressState::Passed => "✓".to_owned(),
        ProgressState::Trying => format!("✗{}", progress.attempts),
        ProgressState::NotStarted => String::new(),
    }
}

/// A progress in words: its state, attempts, and the check that failed last.
pub fn progress_words(progress: &ExerciseProgress, lang: Lang) -> String {
    let state = match progress.state {
        ProgressState::Passed => W::Passed,
        ProgressState::Trying => W::Trying,
        ProgressState::NotStarted => W::NotStarted,
    };
    let mut words = format!(
        "{} · {} {}",
        state.text(lang),
        progress.attempts,
        W::Attempts.text(lang)
    );
    if let Some(check) = &progress.failed_check {
        words.push_str(" · ✗ ");
        words.push_str(&said(check, lang));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved_on(title: &str) -> News {
        News::MovedOn(Text {
            en: title.to_owned(),
            zh: String::new(),
        })
    }

    #[test]
    fn newer_news_replaces_the_older_of_its_kind() {
        let mut news = Vec::new();
        moved_on("Lost unroutables").add_to(&mut news);
        News::Pushed(serde_json::json!({"name": "first"})).add_to(&mut news);
        moved_on("Backup exchange").add_to(&mut news);
        News::Pushed(serde_json::json!({"name": "second"})).add_to(&mut news);
        assert_eq!(
            news,
            [
                moved_on("Backup exchange"),
                News::Pushed(serde_json::json!({"name": "second"}))
            ],
            "one of each kind, newest last"
        );
    }
}
