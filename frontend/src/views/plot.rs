//! Each queue's depth over the run, as a small SVG line plot in the summary pane: one coloured
//! line per queue (ready + unacknowledged), a dotted one for ready alone where the two differ, a
//! dashed one for what a queue paged out to disk when it did, a legend, and a cursor at a
//! replay's position. The ready counts are the relay's AMQP readings, taken as they change, so a
//! backlog that lasts a tenth of a second shows; each line carries its largest figures in
//! `data-max-depth` and `data-max-ready` (and its title) for tests and screen readers.
//!
//! The geometry ([`PlotModel`]) is pure and tested on the host; the component only draws it.

use super::{lang, tr};
use crate::frame::Anim;
use crate::i18n::{Lang, Text, texts};
use crate::model::run::{DepthPoint, DepthSeries};
use crate::model::state::count;
use crate::playground::Playground;
use leptos::prelude::*;

/// The plot's drawing size (it scales to the pane's width).
const WIDTH: f64 = 320.0;
/// The plot's drawing height.
const HEIGHT: f64 = 120.0;
/// Room for the depth axis's labels.
const LEFT: f64 = 34.0;
/// Room on the right, so the last point is not cut.
const RIGHT: f64 = 6.0;
/// Room above the top line.
const TOP: f64 = 8.0;
/// Room for the time axis's labels.
const BOTTOM: f64 = 18.0;
/// Most points drawn per line; longer series are thinned.
const MAX_POINTS: usize = 400;
/// Line colours (CSS classes `series-0` …), reused past this many queues.
pub const COLOURS: usize = 8;

/// Maps run time and depth to the drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// The time at the right edge, in milliseconds.
    pub t_max: f64,
    /// The depth at the top.
    pub y_max: u64,
}

impl Scale {
    /// A scale that holds every point of `series`, with a round top.
    pub fn of(series: &DepthSeries) -> Self {
        let points = || series.values().flatten();
        let t_max = points().map(|p| p.t_ms).max().unwrap_or(0).max(1) as f64;
        let y_max = points().map(|p| p.depth.max(p.paged_out)).max().unwrap_or(0);
        Self {
            t_max,
            y_max: nice_ceiling(y_max),
        }
    }

    /// Horizontal position of run time `t_ms`.
    pub fn x(&self, t_ms: f64) -> f64 {
        LEFT + (t_ms / self.t_max).clamp(0.0, 1.0) * (WIDTH - LEFT - RIGHT)
    }

    /// Vertical position of depth `depth`.
    pub fn y(&self, depth: u64) -> f64 {
        let height = HEIGHT - TOP - BOTTOM;
        TOP + height - (depth as f64 / self.y_max.max(1) as f64).clamp(0.0, 1.0) * height
    }
}

/// The smallest of 1, 2, 5, 10, 20, 50 … that is at least `value`.
pub fn nice_ceiling(value: u64) -> u64 {
    let mut step = 1_u64;
    loop {
        for m in [1, 2, 5] {
            if step.saturating_mul(m) >= value {
                return step.saturating_mul(m);
            }
        }
        step = step.saturating_mul(10);
    }
}

/// At most `max` of `points`, evenly spread, always keeping the first and the last.
pub fn thin(points: &[DepthPoint], max: usize) -> Vec<DepthPoint> {
    if points.len() <= max || max < 2 {
        return points.to_vec();
    }
    let last = points.len() - 1;
    (0..max).map(|i| points[i * last / (max - 1)]).collect()
}

/// An SVG path through `points`, a value of each taken by `value`.
pub fn path(points: &[DepthPoint], scale: &Scale, value: fn(&DepthPoint) -> u64) -> String {
    let mut d = String::with_capacity(points.len() * 14);
    for (i, p) in points.iter().enumerate() {
        let command = if i == 0 { 'M' } else { 'L' };
        d.push_str(&format!(
            "{command}{:.1},{:.1} ",
            scale.x(p.t_ms as f64),
            scale.y(value(p))
        ));
    }
    d.trim_end().to_owned()
}

/// One queue's lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The queue.
    pub queue: String,
    /// Its colour, `0..COLOURS`.
    pub colour: usize,
    /// Ready + unacknowledged over time.
    pub depth: String,
    /// Ready alone over time, when some messages were unacknowledged (else it is `depth`).
    pub ready: Option<String>,
    /// Paged out over time, when the queue paged anything out.
    pub paged_out: Option<String>,
    /// The depth at its last snapshot.
    pub last: u64,
    /// The largest depth (ready + unacknowledged) of the run.
    pub max_depth: u64,
    /// The largest ready count of the run.
    pub max_ready: u64,
}

impl Line {
    /// What the line's title says: the queue, what is drawn, and its largest figures.
    pub fn title(&self, lang: Lang) -> String {
        let (queue, most, ready) = (&self.queue, count(self.max_depth), count(self.max_ready));
        match lang {
            Lang::En => format!("{queue}: ready + unacked, at most {most} ({ready} ready)"),
            Lang::Zh => format!("{queue}：ready + unacked，最多 {most}（ready {ready}）"),
        }
    }
}

/// What the plot draws.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotModel {
    /// The axes.
    pub scale: Scale,
    /// One per queue, in name order.
    pub lines: Vec<Line>,
}

impl PlotModel {
    /// The plot of `series`; `None` when no queue has a snapshot.
    pub fn of(series: &DepthSeries) -> Option<Self> {
        if series.values().all(Vec::is_empty) {
            return None;
        }
        let scale = Scale::of(series);
        let lines = series
            .iter()
            .filter(|(_, points)| !points.is_empty())
            .enumerate()
            .map(|(i, (queue, points))| {
                let points = thin(points, MAX_POINTS);
                let paged = points.iter().any(|p| p.paged_out > 0);
                let unacked = points.iter().any(|p| p.depth > p.ready);
                // The largest figures of every point, not only of those drawn.
                let all = series.get(queue.as_str()).map_or(&[][..], Vec::as_slice);
                Line {
                    queue: queue.clone(),
                    colour: i % COLOURS,
                    depth: path(&points, &scale, |p| p.depth),
                    ready: unacked.then(|| path(&points, &scale, |p| p.ready)),
                    paged_out: paged.then(|| path(&points, &scale, |p| p.paged_out)),
                    last: points.last().map_or(0, |p| p.depth),
                    max_depth: all.iter().map(|p| p.depth).max().unwrap_or(0),
                    max_ready: all.iter().map(|p| p.ready).max().unwrap_or(0),
                }
            })
            .collect();
        Some(Self { scale, lines })
    }
}

/// Each queue's depth over the run, from `pg`'s snapshots; a cursor follows a replay of `anim`.
#[component]
pub(crate) fn DepthPlot(pg: Playground, anim: Anim) -> impl IntoView {
    let lang = lang();
    // Recomputed only when a snapshot arrives, not with every other event.
    let points = Memo::new(move |_| pg.run.with(|r| r.depth.values().map(Vec::len).sum::<usize>()));
    let model = Memo::new(move |_| {
        // Read, not only tracked: a memo that was never read never reports a change.
        let _ = points.get();
        pg.run.with_untracked(|r| PlotModel::of(&r.depth))
    });
    let position = anim.with_value(|a| a.position);
    move || {
        let model = model.get()?;
        let scale = model.scale;
        let x_axis = format!("{:.1}", scale.y(0));
        let top_label = count(scale.y_max);
        let end_label = crate::model::playback::run_time_text(scale.t_max);
        let cursor = move || {
            position.get().map(|t_ms| {
                let x = format!("{:.1}", scale.x(t_ms));
                view! {
                    <line class="plot-cursor" data-testid="depth-cursor" x1=x.clone() x2=x y1=TOP y2=scale.y(0)></line>
                }
            })
        };
        let lines = model
            .lines
            .iter()
            .map(|line| {
                let title = {
                    let line = line.clone();
                    move || line.title(lang.get())
                };
                view! {
                    <g
                        class=format!("plot-series series-{}", line.colour)
                        data-testid="depth-line"
                        data-queue=line.queue.clone()
                        data-max-depth=line.max_depth.to_string()
                        data-max-ready=line.max_ready.to_string()
                    >
                        <title>{title}</title>
                        <path class="plot-depth" d=line.depth.clone()></path>
                        {line.ready.clone().map(|d| view! { <path class="plot-ready" d=d></path> })}
                        {line.paged_out.clone().map(|d| view! { <path class="plot-paged" d=d></path> })}
                    </g>
                }
            })
            .collect_view();
        let legend = model
            .lines
            .iter()
            .map(|line| {
                view! {
                    <li class=format!("series-{}", line.colour) data-testid="depth-legend">
                        <i aria-hidden="true"></i>
                        <span class="q">{line.queue.clone()}</span>
                        <b>{count(line.last)}</b>
                        {(line.max_depth > line.last).then(|| {
                            let peak = line.max_depth;
                            view! { <span class="peak">{move || texts::peak(&count(peak), lang.get())}</span> }
                        })}
                        {line.ready.is_some().then(|| view! { <span class="ready-key">{tr(Text::ReadyKey)}</span> })}
                        {line.paged_out.is_some().then(|| view! { <span class="paged-key">{tr(Text::PagedOut)}</span> })}
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <figure class="depth-plot" data-testid="depth-plot">
                <figcaption>{tr(Text::PlotCaption)}</figcaption>
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=tr(Text::PlotLabel)>
                    <line class="plot-axis" x1=LEFT x2=WIDTH - RIGHT y1=x_axis.clone() y2=x_axis.clone()></line>
                    <line class="plot-axis" x1=LEFT x2=LEFT y1=TOP y2=x_axis.clone()></line>
                    <line class="plot-grid" x1=LEFT x2=WIDTH - RIGHT y1=TOP y2=TOP></line>
                    <text class="plot-label" x=LEFT - 4.0 y=TOP + 4.0 text-anchor="end">{top_label}</text>
                    <text class="plot-label" x=LEFT - 4.0 y=scale.y(0) text-anchor="end">"0"</text>
                    <text class="plot-label" x=LEFT y=HEIGHT - 4.0 text-anchor="start">"0"</text>
                    <text class="plot-label" x=WIDTH - RIGHT y=HEIGHT - 4.0 text-anchor="end">{end_label}</text>
                    {lines}
                    {cursor}
                </svg>
                <ul class="plot-legend">{legend}</ul>
            </figure>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(t_ms: u64, depth: u64, paged_out: u64) -> DepthPoint {
        DepthPoint {
            t_ms,
            depth,
            ready: depth,
            paged_out,
        }
    }

    #[test]
    fn round_ceilings() {
        let cases = [
            (0, 1),
            (1, 1),
            (2, 2),
            (3, 5),
            (7, 10),
            (11, 20),
            (120, 200),
            (3000, 5000),
        ];
        for (value, ceiling) in cases {
            assert_eq!(nice_ceiling(value), ceiling, "{value}");
        }
        assert_eq!(nice_ceiling(u64::MAX), u64::MAX);
    }

    #[test]
    fn the_scale_puts_zero_at_the_bottom_left_and_the_largest_value_under_the_top() {
        let mut series = DepthSeries::new();
        series.insert("a".into(), vec![point(0, 0, 0), point(2000, 30, 0)]);
        series.insert("b".into(), vec![point(1000, 10, 45)]);
        let scale = Scale::of(&series);
        assert_eq!(
            scale,
            Scale {
                t_max: 2000.0,
                y_max: 50
            }
        );
        assert_eq!(scale.x(0.0), LEFT);
        assert_eq!(scale.x(2000.0), WIDTH - RIGHT);
        assert_eq!(scale.x(9000.0), WIDTH - RIGHT, "clamped");
        assert_eq!(scale.y(0), HEIGHT - BOTTOM);
        assert_eq!(scale.y(50), TOP);
        assert!(scale.y(30) > TOP && scale.y(30) < HEIGHT - BOTTOM);
    }

    #[test]
    fn one_line_per_queue_with_a_paged_out_line_only_when_something_was_paged_out() {
        assert_eq!(PlotModel::of(&DepthSeries::new()), None);
        let mut series = DepthSeries::new();
        series.insert("lazy".into(), vec![point(0, 0, 0), point(1000, 10, 10)]);
        series.insert("normal".into(), vec![point(0, 0, 0), point(1000, 10, 0)]);
        series.insert("never".into(), vec![]);
        let model = PlotModel::of(&series).expect("a plot");
        let queues: Vec<&str> = model.lines.iter().map(|l| l.queue.as_str()).collect();
        assert_eq!(queues, ["lazy", "normal"]);
        assert_eq!(model.lines[0].colour, 0);
        assert_eq!(model.lines[1].colour, 1);
        assert_eq!(model.lines[0].depth, "M34.0,102.0 L314.0,8.0");
        assert!(model.lines[0].paged_out.is_some());
        assert_eq!(model.lines[1].paged_out, None);
        assert_eq!(model.lines[1].last, 10);
        assert_eq!(model.lines[1].ready, None, "nothing unacked: ready is the depth line");
    }

    #[test]
    fn a_backlog_that_rose_and_drained_keeps_its_peak_and_draws_ready_where_it_differs() {
        let mut series = DepthSeries::new();
        let draining = DepthPoint {
            t_ms: 253,
            depth: 1,
            ready: 0,
            paged_out: 0,
        };
        series.insert("pri-queue".into(), vec![point(40, 0, 0), point(49, 100, 0), draining]);
        let model = PlotModel::of(&series).expect("a plot");
        let line = &model.lines[0];
        assert_eq!((line.max_depth, line.max_ready, line.last), (100, 100, 1));
        assert_eq!(model.scale.y_max, 100);
        assert!(line.ready.is_some(), "one message unacked at the end");
        assert_eq!(
            line.title(Lang::En),
            "pri-queue: ready + unacked, at most 100 (100 ready)"
        );
    }

    #[test]
    fn the_largest_figures_count_every_point_even_when_the_line_is_thinned() {
        let mut points: Vec<DepthPoint> = (0..1000).map(|t| point(t, 0, 0)).collect();
        points[501] = point(501, 77, 0);
        let mut series = DepthSeries::new();
        series.insert("q".into(), points);
        let model = PlotModel::of(&series).expect("a plot");
        assert_eq!((model.lines[0].max_depth, model.lines[0].max_ready), (77, 77));
    }

    #[test]
    fn long_series_are_thinned_keeping_both_ends() {
        let points: Vec<DepthPoint> = (0..1000).map(|t| point(t, t, 0)).collect();
        let thinned = thin(&points, 100);
        assert_eq!(thinned.len(), 100);
        assert_eq!(thinned.first(), points.first());
        assert_eq!(thinned.last(), points.last());
        assert!(thinned.windows(2).all(|w| w[0].t_ms < w[1].t_ms));
        assert_eq!(thin(&points[..10], 100).len(), 10);
    }
}
