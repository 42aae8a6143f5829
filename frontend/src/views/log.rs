//! The event log: every event of the run in a virtual table, filterable by kind, actor and
//! message id; clicking a row follows that message on the canvas.

use super::{lang, on_demand, tr};
use crate::i18n::{Text, texts};
use crate::model::run::{self, LogFilter};
use crate::model::state::count;
use crate::playground::Playground;
use leptos::prelude::*;

/// Height of one event-log row, in pixels (the log draws only the rows in view).
pub const LOG_ROW_HEIGHT: f64 = 24.0;

on_demand! {
    /// The event log.
    pub(crate) fn event_log(pg: Playground) -> AnyView {
        view! { <EventLog pg=pg /> }.into_any()
    }
    preload: preload_event_log
}

#[component]
fn EventLog(pg: Playground) -> impl IntoView {
    let body = NodeRef::<leptos::html::Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(220.0_f64);
    let follow = RwSignal::new(true);
    let total = Memo::new(move |_| pg.run.with(|r| r.filtered.len()));
    let all = Memo::new(move |_| pg.run.with(|r| r.events.len()));
    let kinds = Memo::new(move |_| {
        pg.run
            .with(|r| r.kinds_seen.iter().map(|(k, n)| (*k, *n)).collect::<Vec<_>>())
    });
    let filter = Memo::new(move |_| pg.run.with(|r| r.filter.clone()));
    let selected = Memo::new(move |_| pg.run.with(|r| r.selected.clone()));

    // Follow the end of the log while it grows, unless the user scrolled up.
    Effect::new(move |_| {
        let n = total.get();
        if let Some(el) = body.get() {
            viewport.set(view_height(&el));
            if follow.get_untracked() {
                let top = (n as f64 * LOG_ROW_HEIGHT - f64::from(el.client_height())).max(0.0);
                el.set_scroll_top(top as i32);
                scroll_top.set(top);
            }
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = body.get() {
            let top = f64::from(el.scroll_top());
            let height = view_height(&el);
            scroll_top.set(top);
            viewport.set(height);
            follow.set(top + height >= f64::from(el.scroll_height()) - LOG_ROW_HEIGHT);
        }
    };
    let lang = lang();
    let rows = move || {
        let lang = lang.get();
        let (start, end) = visible_rows(scroll_top.get(), viewport.get(), total.get());
        let selected = selected.get();
        pg.doc
            .with(|d| {
                pg.run.with(|r| {
                    (start..end)
                        .filter_map(|k| {
                            let index = *r.filtered.get(k)?;
                            let event = r.events.get(index)?;
                            let id = event.kind.message_id().map(str::to_owned);
                            let is_selected = id.as_ref().is_some_and(|id| selected.contains(id));
                            Some((
                                k,
                                event.t_ms,
                                event.kind.name(),
                                texts::event_word(&event.kind).text(lang),
                                event.kind.actor().map(str::to_owned),
                                id,
                                run::details(event, lang),
                                run::tone(event, &d.layout),
                                is_selected,
                            ))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .into_iter()
            .map(|(k, t_ms, kind, word, actor, id, details, tone, is_selected)| {
                let click_id = id.clone();
                view! {
                    <div
                        class=format!("row tone-{tone}")
                        class:selected=is_selected
                        class:clickable=click_id.is_some()
                        data-testid="event-row"
                        data-type=kind
                        style:top=format!("{}px", k as f64 * LOG_ROW_HEIGHT)
                        on:click=move |_| {
                            if let Some(id) = click_id.clone() {
                                pg.run.update(|r| {
                                    r.selected = if r.selected == [id.as_str()] { Vec::new() } else { vec![id] };
                                });
                            }
                        }
                    >
                        <span class="c-time">{format!("{} ms", count(t_ms))}</span>
                        <span class="c-type">{word}</span>
                        <span class="c-actor">{actor.unwrap_or_default()}</span>
                        <span class="c-id">{id.unwrap_or_default()}</span>
                        <span class="c-details" title=details.clone()>{details.clone()}</span>
                    </div>
                }
            })
            .collect_view()
    };
    let set_filter = move |change: &dyn Fn(&mut LogFilter)| {
        let mut next = pg.run.with_untracked(|r| r.filter.clone());
        change(&mut next);
        pg.run.update(|r| r.set_filter(next));
        follow.set(true);
    };
    view! {
        <div class="log-head">
            <h2 class="pane-title">{tr(Text::EventLog)}</h2>
            <select
                data-testid="filter-kind"
                aria-label=tr(Text::EventType)
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    set_filter(&|f| f.kind = value.clone());
                }
            >
                <option value="" selected=move || filter.with(|f| f.kind.is_empty())>{tr(Text::EveryType)}</option>
                {move || {
                    let lang = lang.get();
                    kinds
                        .get()
                        .into_iter()
                        .map(|(kind, n)| {
                            view! {
                                <option value=kind selected=move || filter.with(|f| f.kind == kind)>
                                    {format!("{} ({})", texts::event_type(kind).map_or(kind, |t| t.text(lang)), count(n))}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <input
                type="search"
                data-testid="filter-actor"
                placeholder=tr(Text::ActorOrQueuePlaceholder)
                aria-label=tr(Text::ActorOrQueue)
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    set_filter(&|f| f.actor = value.clone());
                }
            />
            <input
                type="search"
                data-testid="filter-id"
                placeholder=tr(Text::MessageIdPlaceholder)
                aria-label=tr(Text::MessageId)
                prop:value=move || filter.with(|f| f.id.clone())
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    set_filter(&|f| f.id = value.clone());
                }
            />
            <span class="log-count" data-testid="log-count">
                {move || {
                    let (shown, all) = (total.get(), all.get());
                    texts::event_count(&count(shown as u64), &count(all as u64), shown != all, lang.get())
                }}
            </span>
        </div>
        <div class="log-cols" aria-hidden="true">
            <span class="c-time">{tr(Text::ColTime)}</span>
            <span class="c-type">{tr(Text::ColType)}</span>
            <span class="c-actor">{tr(Text::ColActor)}</span>
            <span class="c-id">{tr(Text::ColId)}</span>
            <span class="c-details">{tr(Text::ColDetails)}</span>
        </div>
        <div class="log-body" node_ref=body on:scroll=on_scroll data-testid="log-body">
            <div class="log-spacer" style:height=move || format!("{}px", total.get() as f64 * LOG_ROW_HEIGHT)>
                {rows}
            </div>
            {move || {
                (all.get() == 0)
                    .then(|| {
                        view! {
                            <p class="log-empty">{tr(Text::LogEmpty)}</p>
                        }
                    })
            }}
        </div>
    }
}

/// The log's visible height: its own, but never more than the window's (a log that is not
/// given a height by the style sheet must not draw every row).
fn view_height(el: &web_sys::HtmlElement) -> f64 {
    let window = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(800.0);
    f64::from(el.client_height()).min(window).max(LOG_ROW_HEIGHT)
}

/// The rows to draw for a scroll position: the visible ones and a few around them.
pub fn visible_rows(scroll_top: f64, viewport: f64, total: usize) -> (usize, usize) {
    let first = (scroll_top / LOG_ROW_HEIGHT).floor().max(0.0) as usize;
    let start = first.saturating_sub(5).min(total);
    let end = (first + (viewport / LOG_ROW_HEIGHT).ceil() as usize + 5).min(total);
    (start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_draws_only_what_is_in_view() {
        assert_eq!(visible_rows(0.0, 240.0, 0), (0, 0));
        assert_eq!(visible_rows(0.0, 240.0, 100_000), (0, 15));
        let (start, end) = visible_rows(24.0 * 50_000.0, 240.0, 100_000);
        assert_eq!((start, end), (49_995, 50_015));
        assert_eq!(visible_rows(24.0 * 99_999.0, 240.0, 100_000), (99_994, 100_000));
    }
}
