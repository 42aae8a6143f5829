//! The summary pane: live counters at the animation's playhead during a run (and while its
//! animation or a replay goes on), the relay's summary once the animation reaches the end, and
//! each queue's depth over the run (see [`super::plot`]).

use super::plot::DepthPlot;
use super::{lang, on_demand, outcome_text, tr};
use crate::frame::Anim;
use crate::i18n::{Lang, Text, texts};
use crate::model::run::Phase;
use crate::model::state::count;
use crate::playground::Playground;
use leptos::prelude::*;

on_demand! {
    /// The summary panel.
    pub(crate) fn summary_panel(pg: Playground, phase: Memo<Phase>, anim: Anim) -> AnyView {
        view! { <SummaryPanel pg=pg phase=phase anim=anim /> }.into_any()
    }
    preload: preload_summary_panel
}

#[component]
fn SummaryPanel(pg: Playground, phase: Memo<Phase>, anim: Anim) -> impl IntoView {
    view! {
        <Numbers pg=pg phase=phase />
        <DepthPlot pg=pg anim=anim />
    }
}

/// The counters: live during a run, the summary after it.
#[component]
fn Numbers(pg: Playground, phase: Memo<Phase>) -> impl IntoView {
    // The relay's summary once the animation has reached the end; the counts at its playhead
    // until then.
    let summary = Memo::new(move |_| pg.run.with(|r| r.summary.clone().filter(|_| r.shows_all())));
    let mismatch = Memo::new(move |_| pg.run.with(|r| r.summary_mismatch));
    let live = Memo::new(move |_| pg.run.with(|r| r.counts.clone()));
    // The animation has not reached the end of the run's events.
    let playing = Memo::new(move |_| pg.run.with(|r| !r.shows_all()));
    let lang = lang();
    move || {
        let lang = lang.get();
        if let Some(s) = summary.get() {
            let codes = s
                .return_codes
                .iter()
                .map(|(code, n)| format!("{code} ×{}", count(*n)))
                .collect::<Vec<_>>()
                .join(", ");
            let delivered = s
                .delivered
                .iter()
                .map(|(queue, list)| queue_count(queue, "summary-delivered", list.len() as u64))
                .collect_view();
            let left = s
                .left_in_queues
                .iter()
                .map(|(queue, n)| queue_count(queue, "summary-left", *n))
                .collect_view();
            let lost_ids = if s.lost.is_empty() {
                String::new()
            } else {
                let mut ids = s.lost.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
                if s.lost.len() > 8 {
                    ids.push_str(&texts::more(s.lost.len() - 8, lang));
                }
                ids
            };
            let outcome_name = s.outcome.map_or("finished", |o| outcome_text(o, Lang::En));
            let outcome = s.outcome.map_or(Text::Finished.text(lang), |o| outcome_text(o, lang));
            view! {
                <div class="summary-head">
                    <h2 class="pane-title">{tr(Text::RunSummary)}</h2>
                    <span class="outcome" data-testid="summary-outcome" data-outcome=outcome_name>{outcome}</span>
                </div>
                {tiles(lang, vec![
                    (Text::Published, s.published, "summary-published", "flying"),
                    (Text::Acked, s.acked, "summary-acked", "acked"),
                    (Text::Nacked, s.nacked, "summary-nacked", "nacked"),
                    (Text::Returned, s.returned, "summary-returned", "returned"),
                    (Text::Lost, s.lost.len() as u64, "summary-lost", "lost"),
                    (Text::Duplicates, s.duplicates.len() as u64, "summary-duplicates", ""),
                ])}
                <dl class="summary-more">
                    {(!codes.is_empty()).then(|| view! { <dt>{Text::Returns.text(lang)}</dt> <dd data-testid="summary-return-codes">{codes}</dd> })}
                    {(s.unconfirmed > 0).then(|| view! { <dt>{Text::Unconfirmed.text(lang)}</dt> <dd data-testid="summary-unconfirmed">{s.unconfirmed}</dd> })}
                    {(s.dead_lettered > 0).then(|| view! { <dt>{Text::DeadLettered.text(lang)}</dt> <dd>{s.dead_lettered}</dd> })}
                    {(s.republished > 0).then(|| view! { <dt>{Text::RePublished.text(lang)}</dt> <dd>{s.republished}</dd> })}
                    {(!lost_ids.is_empty()).then(|| view! { <dt>{Text::LostIds.text(lang)}</dt> <dd class="ids">{lost_ids}</dd> })}
                </dl>
                <div class="per-queue">
                    <div>
                        <h3>{Text::Delivered.text(lang)}</h3>
                        <ul>{delivered}</ul>
                    </div>
                    <div>
                        <h3>{Text::LeftInQueues.text(lang)}</h3>
                        <ul>{left}</ul>
                    </div>
                </div>
                {mismatch.get().then(|| view! {
                    <p class="notice warning">{Text::SummaryDiffers.text(lang)}</p>
                })}
            }
            .into_any()
        } else if phase.get().active() || playing.get() {
            let c = live.get();
            view! {
                <div class="summary-head">
                    <h2 class="pane-title">{Text::Live.text(lang)}</h2>
                    <span class="outcome running">
                        {if phase.get().active() { Text::PhaseRunning.text(lang) } else { Text::Playing.text(lang) }}
                    </span>
                </div>
                {tiles(lang, vec![
                    (Text::Published, c.published, "live-published", "flying"),
                    (Text::Acked, c.acked, "live-acked", "acked"),
                    (Text::Nacked, c.nacked, "live-nacked", "nacked"),
                    (Text::Returned, c.returned, "live-returned", "returned"),
                    (Text::Delivered, c.delivered, "live-delivered", "delivered"),
                ])}
                <p class="hint">{Text::SummaryLater.text(lang)}</p>
            }
            .into_any()
        } else {
            view! {
                <div class="summary-head">
                    <h2 class="pane-title">{Text::RunSummary.text(lang)}</h2>
                </div>
                <p class="hint">{Text::SummaryBefore.text(lang)}</p>
            }
            .into_any()
        }
    }
}

/// The big counters, each (label, value, test id, tone).
fn tiles(lang: Lang, tiles: Vec<(Text, u64, &'static str, &'static str)>) -> impl IntoView {
    let tiles = tiles
        .into_iter()
        .map(|(label, value, id, tone)| {
            view! {
                <div class=format!("tile tone-{tone}") class:zero=value == 0>
                    <b data-testid=id>{value}</b>
                    <span>{label.text(lang)}</span>
                </div>
            }
        })
        .collect_view();
    view! { <div class="tiles">{tiles}</div> }
}

/// One queue's line of a per-queue list; its number's test id is `{prefix}-{queue}`.
fn queue_count(queue: &str, prefix: &str, n: u64) -> impl IntoView + use<> {
    view! {
        <li>
            <span class="q">{queue.to_owned()}</span>
            <b data-testid=format!("{prefix}-{queue}")>{n}</b>
        </li>
    }
}
