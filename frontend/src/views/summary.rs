//! The summary pane: live counters at the animation's playhead during a run (and while its
//! animation or a replay goes on), the relay's summary once the animation reaches the end, and
//! each queue's depth over the run (see [`super::plot`]).

use super::outcome_text;
use super::plot::DepthPlot;
use crate::frame::Anim;
use crate::model::run::Phase;
use crate::model::state::count;
use crate::playground::Playground;
use leptos::prelude::*;

#[component]
pub(crate) fn SummaryPanel(pg: Playground, phase: Memo<Phase>, anim: Anim) -> impl IntoView {
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
    move || {
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
                    ids.push_str(&format!(" … {} more", s.lost.len() - 8));
                }
                ids
            };
            let outcome = s.outcome.map(outcome_text).unwrap_or("finished");
            view! {
                <div class="summary-head">
                    <h2 class="pane-title">"Run summary"</h2>
                    <span class="outcome" data-testid="summary-outcome" data-outcome=outcome>{outcome}</span>
                </div>
                {tiles(vec![
                    ("published", s.published, "summary-published", "flying"),
                    ("acked", s.acked, "summary-acked", "acked"),
                    ("nacked", s.nacked, "summary-nacked", "nacked"),
                    ("returned", s.returned, "summary-returned", "returned"),
                    ("lost", s.lost.len() as u64, "summary-lost", "lost"),
                    ("duplicates", s.duplicates.len() as u64, "summary-duplicates", ""),
                ])}
                <dl class="summary-more">
                    {(!codes.is_empty()).then(|| view! { <dt>"returns"</dt> <dd data-testid="summary-return-codes">{codes}</dd> })}
                    {(s.unconfirmed > 0).then(|| view! { <dt>"unconfirmed"</dt> <dd data-testid="summary-unconfirmed">{s.unconfirmed}</dd> })}
                    {(s.dead_lettered > 0).then(|| view! { <dt>"dead-lettered"</dt> <dd>{s.dead_lettered}</dd> })}
                    {(s.republished > 0).then(|| view! { <dt>"re-published"</dt> <dd>{s.republished}</dd> })}
                    {(!lost_ids.is_empty()).then(|| view! { <dt>"lost ids"</dt> <dd class="ids">{lost_ids}</dd> })}
                </dl>
                <div class="per-queue">
                    <div>
                        <h3>"delivered"</h3>
                        <ul>{delivered}</ul>
                    </div>
                    <div>
                        <h3>"left in queues"</h3>
                        <ul>{left}</ul>
                    </div>
                </div>
                {mismatch.get().then(|| view! {
                    <p class="notice warning">"The relay's summary differs from the one this page folded from the events."</p>
                })}
            }
            .into_any()
        } else if phase.get().active() || playing.get() {
            let c = live.get();
            view! {
                <div class="summary-head">
                    <h2 class="pane-title">"Live"</h2>
                    <span class="outcome running">{if phase.get().active() { "running" } else { "playing" }}</span>
                </div>
                {tiles(vec![
                    ("published", c.published, "live-published", "flying"),
                    ("acked", c.acked, "live-acked", "acked"),
                    ("nacked", c.nacked, "live-nacked", "nacked"),
                    ("returned", c.returned, "live-returned", "returned"),
                    ("delivered", c.delivered, "live-delivered", "delivered"),
                ])}
                <p class="hint">"The full summary, with what was lost, comes when the run and its animation end."</p>
            }
            .into_any()
        } else {
            view! {
                <div class="summary-head">
                    <h2 class="pane-title">"Run summary"</h2>
                </div>
                <p class="hint">
                    "Run the scenario to see what happened to every message: published, acked, nacked, returned, delivered per queue, lost, duplicated, or left in a queue."
                </p>
            }
            .into_any()
        }
    }
}

/// The big counters, each (label, value, test id, tone).
fn tiles(tiles: Vec<(&'static str, u64, &'static str, &'static str)>) -> impl IntoView {
    let tiles = tiles
        .into_iter()
        .map(|(label, value, id, tone)| {
            view! {
                <div class=format!("tile tone-{tone}") class:zero=value == 0>
                    <b data-testid=id>{value}</b>
                    <span>{label}</span>
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
