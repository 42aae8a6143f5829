//! The summary pane: live counters during a run, the relay's summary after it, and each
//! queue's depth over the run (see [`super::plot`]).

use super::outcome_text;
use super::plot::DepthPlot;
use crate::app::Anim;
use crate::playground::Playground;
use crate::run::Phase;
use crate::state::count;
use leptos::prelude::*;

#[component]
pub(crate) fn SummaryPanel(pg: RwSignal<Playground>, phase: Memo<Phase>, anim: Anim) -> impl IntoView {
    view! {
        <Numbers pg=pg phase=phase />
        <DepthPlot pg=pg anim=anim />
    }
}

/// The counters: live during a run, the summary after it.
#[component]
fn Numbers(pg: RwSignal<Playground>, phase: Memo<Phase>) -> impl IntoView {
    let summary = Memo::new(move |_| pg.with(|p| p.run.summary.clone()));
    let mismatch = Memo::new(move |_| pg.with(|p| p.run.summary_mismatch));
    let live = Memo::new(move |_| pg.with(|p| p.run.counts.clone()));
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
                .map(|(queue, list)| {
                    view! {
                        <li>
                            <span class="q">{queue.clone()}</span>
                            <b data-testid=format!("summary-delivered-{queue}")>{list.len()}</b>
                        </li>
                    }
                })
                .collect_view();
            let left = s
                .left_in_queues
                .iter()
                .map(|(queue, n)| {
                    view! {
                        <li>
                            <span class="q">{queue.clone()}</span>
                            <b data-testid=format!("summary-left-{queue}")>{*n}</b>
                        </li>
                    }
                })
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
                <div class="tiles">
                    <Tile label="published" value=s.published id="summary-published" tone="flying" />
                    <Tile label="acked" value=s.acked id="summary-acked" tone="acked" />
                    <Tile label="nacked" value=s.nacked id="summary-nacked" tone="nacked" />
                    <Tile label="returned" value=s.returned id="summary-returned" tone="returned" />
                    <Tile label="lost" value=s.lost.len() as u64 id="summary-lost" tone="lost" />
                    <Tile label="duplicates" value=s.duplicates.len() as u64 id="summary-duplicates" tone="" />
                </div>
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
        } else if phase.get().active() {
            let c = live.get();
            view! {
                <div class="summary-head">
                    <h2 class="pane-title">"Live"</h2>
                    <span class="outcome running">"running"</span>
                </div>
                <div class="tiles">
                    <Tile label="published" value=c.published id="live-published" tone="flying" />
                    <Tile label="acked" value=c.acked id="live-acked" tone="acked" />
                    <Tile label="nacked" value=c.nacked id="live-nacked" tone="nacked" />
                    <Tile label="returned" value=c.returned id="live-returned" tone="returned" />
                    <Tile label="delivered" value=c.delivered id="live-delivered" tone="delivered" />
                </div>
                <p class="hint">"The full summary, with what was lost, comes when the run ends."</p>
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

#[component]
fn Tile(label: &'static str, value: u64, id: &'static str, tone: &'static str) -> impl IntoView {
    view! {
        <div class=format!("tile tone-{tone}") class:zero=value == 0>
            <b data-testid=id>{value}</b>
            <span>{label}</span>
        </div>
    }
}
