//! A new room: a title, the exercises (the course's, chosen in order, and files of the
//! instructor's own), when solutions are shown, and who runs the exercises that stop nodes.
//! The relay checks everything and answers every problem with its path.

use super::api;
use super::dashboard::Desk;
use super::words::W;
use super::{said, w};
use crate::views::lang;
use crate::views::share::read_chosen_file;
use leptos::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use warren_shared::room::{CourseExercise, RoomView};

/// The form, under the dashboard's head.
pub fn new_room_form(desk: Desk) -> impl IntoView {
    let lang = lang();
    let title = RwSignal::new(String::new());
    let course = RwSignal::new(None::<Vec<CourseExercise>>);
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let uploads = RwSignal::new(Vec::<(String, Value)>::new());
    let show = RwSignal::new("after".to_owned());
    let after = RwSignal::new(1_u64);
    let faults = RwSignal::new("demos".to_owned());
    let problems = RwSignal::new(Vec::<warren_shared::Problem>::new());
    let token = desk.token.get_value();
    leptos::task::spawn_local(async move {
        match api::json::<Vec<CourseExercise>>("GET", "/api/course", &token, None).await {
            Ok(list) => {
                chosen.set(
                    list.iter()
                        .filter(|e| !e.needs_node_faults)
                        .map(|e| e.id.clone())
                        .collect(),
                );
                course.set(Some(list));
            }
            Err(failure) => desk.failed(&failure),
        }
    });
    let upload = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let name = input
            .files()
            .and_then(|f| f.get(0))
            .map(|f| f.name())
            .unwrap_or_default();
        read_chosen_file(&input, move |result| {
            match result.and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string())) {
                Ok(document) => uploads.update(|u| u.push((name, document))),
                Err(why) => desk.error.set(Some(why)),
            }
        });
        input.set_value("");
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problems.set(Vec::new());
        let mut exercises: Vec<Value> = course
            .get_untracked()
            .unwrap_or_default()
            .iter()
            .filter(|e| chosen.with_untracked(|c| c.contains(&e.id)))
            .map(|e| json!({"from": "course", "id": e.id}))
            .collect();
        exercises.extend(
            uploads
                .get_untracked()
                .into_iter()
                .map(|(_, d)| json!({"from": "upload", "document": d})),
        );
        let solutions = match show.get_untracked().as_str() {
            "after" => json!({"show": "after", "attempts": after.get_untracked()}),
            other => json!({ "show": other }),
        };
        let body = json!({
            "title": title.get_untracked(),
            "exercises": exercises,
            "solutions": solutions,
            "node_faults": faults.get_untracked(),
        })
        .to_string();
        let token = desk.token.get_value();
        desk.error.set(None);
        leptos::task::spawn_local(async move {
            match api::json::<RoomView>("POST", "/api/rooms", &token, Some(body)).await {
                Ok(room) => {
                    let code = room.code.clone();
                    desk.room_changed(room);
                    desk.creating.set(false);
                    desk.watch(code);
                }
                Err(api::Failure::Refused(refusal)) if !refusal.problems.is_empty() => {
                    desk.error.set(Some(refusal.message.clone()));
                    problems.set(refusal.problems);
                }
                Err(failure) => desk.failed(&failure),
            }
        });
    };
    let course_list = move || {
        course.get().map(|list| {
            list.into_iter()
                .map(|exercise| {
                    let id = exercise.id.clone();
                    let id_toggle = id.clone();
                    let id_checked = id.clone();
                    let title = exercise.title.clone();
                    let toggle = move |_| {
                        chosen.update(|c| {
                            if !c.remove(&id_toggle) {
                                c.insert(id_toggle.clone());
                            }
                        })
                    };
                    view! {
                        <li>
                            <label title=move || said(&exercise.task, lang.get())>
                                <input
                                    type="checkbox"
                                    data-testid="new-room-exercise"
                                    value=id
                                    prop:checked=move || chosen.with(|c| c.contains(&id_checked))
                                    on:change=toggle
                                />
                                " "
                                {move || said(&title, lang.get())}
                                {exercise.needs_node_faults.then(|| view! { <span class="badge">{w(W::StopsNodes)}</span> })}
                            </label>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let upload_list = move || {
        uploads
            .get()
            .into_iter()
            .enumerate()
            .map(|(at, (name, _))| {
                view! {
                    <li data-testid="new-room-uploaded">
                        {name}
                        " "
                        <button type="button" on:click=move |_| uploads.update(|u| {
                            if at < u.len() {
                                u.remove(at);
                            }
                        })>{w(W::Remove)}</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <form class="new-room" data-testid="new-room" on:submit=create>
            <label class="row">
                {w(W::Title)}
                <input type="text" data-testid="new-room-title" maxlength="120" required prop:value=title on:input=move |ev| title.set(event_target_value(&ev)) />
            </label>
            <fieldset>
                <legend>{w(W::Exercises)}</legend>
                <ol class="new-room-exercises">{course_list}</ol>
                <label class="upload" title=w(W::UploadHelp)>
                    {w(W::Upload)} " "
                    <input type="file" accept=".json,application/json" data-testid="new-room-upload" on:change=upload />
                </label>
                <ul>{upload_list}</ul>
            </fieldset>
            <label class="row">
                {w(W::Solutions)}
                <select data-testid="new-room-solutions" on:change=move |ev| show.set(event_target_value(&ev))>
                    <option value="never">{w(W::SolutionsNever)}</option>
                    <option value="after" selected>{w(W::SolutionsAfter)}</option>
                    <option value="always">{w(W::SolutionsAlways)}</option>
                </select>
                {move || (show.get() == "after").then(|| view! {
                    <input type="number" min="1" max="100" class="attempts" data-testid="new-room-after" prop:value=move || after.get().to_string()
                        on:input=move |ev| after.set(event_target_value(&ev).parse().unwrap_or(1)) />
                })}
            </label>
            <label class="row" title=w(W::FaultsWarning)>
                {w(W::NodeFaults)}
                <select data-testid="new-room-faults" on:change=move |ev| faults.set(event_target_value(&ev))>
                    <option value="demos" selected>{w(W::FaultsDemos)}</option>
                    <option value="learners">{w(W::FaultsLearners)}</option>
                </select>
            </label>
            <ul class="problems">
                {move || problems.get().into_iter().map(|p| view! { <li data-testid="new-room-problem"><code class="path">{p.path}</code> " " {p.message}</li> }).collect_view()}
            </ul>
            <div class="actions">
                <button type="submit" class="run" data-testid="new-room-create">{w(W::Create)}</button>
                <button type="button" on:click=move |_| desk.creating.set(false)>{w(W::Cancel)}</button>
            </div>
        </form>
    }
}
