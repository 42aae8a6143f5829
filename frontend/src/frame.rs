//! The one animation loop: `requestAnimationFrame` steps the [`Animator`] and paints its tokens
//! and flashes on a canvas laid over the topology's SVG ([`paint`]).
//!
//! Tokens are no DOM elements: hundreds of moving SVG nodes made the browser's style, layout and
//! paint work the larger part of every frame. The canvas is cleared and painted each frame while
//! anything moves; the loop stops when nothing moves and starts again when events arrive.
//!
//! The loop keeps the [`Playback`] clocks too: speed, pause, and the replay of a finished run.
//! It is the page's one clock: the run record ([`Record`], which the page attaches) shows the
//! run as it was at the animation's playhead, the events the animation has reached, so the
//! counters, edge counts, queues and nodes never run ahead of the tokens (the broker often
//! finishes a run long before its tokens are drawn). A replay hands the record's events to the
//! animation as its run clock reaches them; a live run's come from [`crate::inbox`]. The loop
//! only animates and says how far it has got: the run record belongs to
//! [`crate::playground`].

pub mod paint;

use crate::model::anim::{Animator, piles};
use crate::model::layout::Layout;
use crate::model::playback::{Playback, Speed};
use leptos::prelude::{GetUntracked, LocalStorage, RwSignal, Set, StoredValue};
use paint::{Flash, TokenLayer};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use warren_shared::Event;
use web_sys::{Element, HtmlCanvasElement};

/// The animation loop, as components hold it.
pub type Anim = StoredValue<Rc<AnimLoop>, LocalStorage>;

/// The run record shown at the playhead at most this often during the animation (wall
/// milliseconds): every view that reads the record reruns when it changes.
const SHOW_MS: f64 = 100.0;

/// The run record as the loop reads it: a replay takes its events, and the playhead says how
/// much of it to show.
pub trait Record {
    /// How many events happened at or before run time `t_ms`, counting on from event `from`.
    fn index_at(&self, from: usize, t_ms: f64) -> usize;
    /// Hand the events in `range` (those there are) to `with`, without copying them.
    fn events(&self, range: std::ops::Range<usize>, with: &mut dyn FnMut(&[Event]));
    /// How many events the record holds.
    fn recorded(&self) -> usize;
    /// Show the run as it was after its first `upto` events.
    fn show(&self, upto: usize);
}

/// The animation loop's state; shared by the inbox and the canvas.
pub struct AnimLoop {
    animator: RefCell<Animator>,
    layout: RefCell<Layout>,
    running: Cell<bool>,
    layer: RefCell<Option<TokenLayer>>,
    playback: RefCell<Playback>,
    /// The run record, shown at the playhead.
    record: RefCell<Option<Rc<dyn Record>>>,
    /// The record's index of the first event the animator was handed since its reset.
    base: Cell<usize>,
    /// A replay: the record's index of the next event to hand to the animator.
    released: Cell<usize>,
    /// A live run: the record's index of the next event the relay sends.
    live: Cell<usize>,
    /// The playhead last shown, and when (wall time).
    shown: Cell<(Option<usize>, f64)>,
    /// Whether messages are being counted instead of drawn; read by the canvas.
    pub counting: RwSignal<bool>,
    /// The chosen speed; read by the playback controls.
    pub speed: RwSignal<Speed>,
    /// Whether the animation is paused; read by the playback controls.
    pub paused: RwSignal<bool>,
    /// A replay's position in run time (milliseconds); `None` when the page shows the whole run.
    pub position: RwSignal<Option<f64>>,
}

impl AnimLoop {
    /// A stopped loop with nothing to draw.
    pub fn new() -> Rc<Self> {
        Rc::new(Self {
            animator: RefCell::new(Animator::default()),
            layout: RefCell::new(Layout::default()),
            running: Cell::new(false),
            layer: RefCell::new(None),
            playback: RefCell::new(Playback::default()),
            record: RefCell::new(None),
            base: Cell::new(0),
            released: Cell::new(0),
            live: Cell::new(0),
            shown: Cell::new((None, f64::NEG_INFINITY)),
            counting: RwSignal::new(false),
            speed: RwSignal::new(Speed::default()),
            paused: RwSignal::new(false),
            position: RwSignal::new(None),
        })
    }

    /// Paint on `canvas`, laid over `svg` (the topology), from now on.
    pub fn set_layer(self: &Rc<Self>, canvas: HtmlCanvasElement, svg: Element) {
        let me = Rc::downgrade(self);
        let wake: Rc<dyn Fn()> = Rc::new(move || {
            if let Some(me) = me.upgrade() {
                me.wake();
            }
        });
        *self.layer.borrow_mut() = TokenLayer::new(canvas, svg, wake);
        self.clear();
        self.wake();
    }

    /// Show `record` at the playhead from now on.
    pub fn attach(&self, record: Rc<dyn Record>) {
        *self.record.borrow_mut() = Some(record);
    }

    /// Forget every token: a new run, or another scenario. A replay ends.
    pub fn reset(&self, layout: Layout) {
        *self.layout.borrow_mut() = layout;
        self.restart_at(0);
        self.live.set(0);
        self.counting.set(false);
    }

    /// A new run: forget every token, and play even when the last run was paused.
    pub fn new_run(self: &Rc<Self>, layout: Layout) {
        self.reset(layout);
        self.set_paused(false);
    }

    /// A live run's batch of events, to animate.
    pub fn push(self: &Rc<Self>, events: &[Event]) {
        self.animator.borrow_mut().push(events);
        self.live.set(self.live.get() + events.len());
        self.wake();
    }

    /// The record's index of the first event the animation has not reached.
    pub fn playhead(&self) -> usize {
        self.base.get() + self.animator.borrow().let_out()
    }

    /// Show the record at the playhead now (events came into it).
    pub fn refresh(&self) {
        if let Some(record) = self.record() {
            let playhead = self.playhead();
            record.show(playhead);
            self.shown.set((Some(playhead), now_ms()));
        }
    }

    /// Skip the rest of the animation: the run as it is at its end (or as far as it has come),
    /// with no tokens; a live run's later events are animated from there.
    pub fn jump_to_end(&self) {
        let end = self.record().map_or(0, |r| r.recorded()).max(self.live.get());
        self.restart_at(end);
        self.refresh();
    }

    /// No tokens, no replay; the animator's first event will be the record's `index`.
    fn restart_at(&self, index: usize) {
        self.animator.borrow_mut().reset(self.layout.borrow().clone());
        self.clear();
        self.playback.borrow_mut().stop_replay();
        self.base.set(index);
        self.released.set(index);
        self.shown.set((None, f64::NEG_INFINITY));
        if self.position.get_untracked().is_some() {
            self.position.set(None);
        }
    }

    fn record(&self) -> Option<Rc<dyn Record>> {
        self.record.borrow().clone()
    }

    /// Play at `speed` from now on.
    pub fn set_speed(&self, speed: Speed) {
        self.playback.borrow_mut().speed = speed;
        self.speed.set(speed);
    }

    /// Pause or resume the animation (a live run's record keeps growing meanwhile).
    pub fn set_paused(self: &Rc<Self>, paused: bool) {
        self.playback.borrow_mut().set_paused(paused);
        self.paused.set(paused);
        if !paused {
            self.wake();
        }
    }

    /// Pause if playing, play if paused.
    pub fn toggle_pause(self: &Rc<Self>) {
        let paused = self.playback.borrow().paused;
        self.set_paused(!paused);
    }

    /// Show the record's run (which ends at run time `end_ms`) as it was at run time `t_ms` and
    /// animate it from there on (when not paused).
    pub fn seek(self: &Rc<Self>, t_ms: f64, end_ms: f64) {
        let Some(record) = self.record() else { return };
        // What was due up to `t_ms` is shown, not animated.
        self.restart_at(record.index_at(0, t_ms));
        self.refresh();
        let position = {
            let mut playback = self.playback.borrow_mut();
            playback.seek(t_ms, end_ms);
            playback.position()
        };
        self.position.set(position);
        self.wake();
    }

    /// Messages drawn and counted so far.
    pub fn drawn_and_counted(&self) -> (u64, u64) {
        let a = self.animator.borrow();
        (a.drawn, a.counted)
    }

    fn clear(&self) {
        if let Some(layer) = self.layer.borrow_mut().as_mut() {
            layer.clear();
        }
    }

    fn wake(self: &Rc<Self>) {
        if !self.running.replace(true) {
            let me = Rc::clone(self);
            leptos::prelude::request_animation_frame(move || me.frame());
        }
    }

    fn frame(self: Rc<Self>) {
        let wall = now_ms();
        let (now, paused, position) = {
            let mut playback = self.playback.borrow_mut();
            let now = playback.tick(wall);
            (now, playback.paused, playback.position())
        };
        let replaying = position.is_some_and(|t_ms| self.replay_to(t_ms));
        {
            let mut animator = self.animator.borrow_mut();
            animator.set_bursts_together(!self.speed.get_untracked().spreads_bursts());
            if !paused {
                animator.step(now);
            }
        }
        self.draw(now);
        let counting = self.animator.borrow().counting(now);
        if counting != self.counting.get_untracked() {
            self.counting.set(counting);
        }
        let going_on = !paused && (replaying || counting || self.animator.borrow().busy());
        self.show_playhead(wall, !going_on);
        if going_on {
            leptos::prelude::request_animation_frame(move || self.frame());
        } else {
            self.playback.borrow_mut().idle();
            self.running.set(false);
        }
    }

    /// Show the record at the playhead when it moved: at most every [`SHOW_MS`], and at once
    /// when the loop stops (`last`).
    fn show_playhead(&self, wall: f64, last: bool) {
        let playhead = self.playhead();
        let (shown, at) = self.shown.get();
        if shown != Some(playhead) && (last || wall - at >= SHOW_MS) {
            self.refresh();
        }
    }

    /// Hand the animator the replayed run's events up to run time `t_ms`; `false` once the
    /// replay is over.
    fn replay_to(&self, t_ms: f64) -> bool {
        let Some(record) = self.record() else {
            return false;
        };
        let from = self.released.get();
        let to = record.index_at(from, t_ms);
        if to > from {
            record.events(from..to, &mut |events| self.animator.borrow_mut().push(events));
            self.released.set(to);
        }
        let done = self.playback.borrow().replay_done();
        if done {
            self.playback.borrow_mut().stop_replay();
            self.position.set(None);
        } else if self.position.get_untracked().is_none_or(|p| (p - t_ms).abs() >= 1.0) {
            self.position.set(Some(t_ms));
        }
        !done
    }

    fn draw(&self, now: f64) {
        let mut layer = self.layer.borrow_mut();
        let Some(layer) = layer.as_mut() else {
            return;
        };
        let animator = self.animator.borrow();
        let layout = self.layout.borrow();
        let flashes: Vec<Flash> = animator
            .flashes(now)
            .into_iter()
            .filter_map(|(node, tone, strength)| {
                let n = layout.nodes.get(node)?;
                Some(Flash {
                    rect: (n.x, n.y, n.w, n.h),
                    tone,
                    strength,
                })
            })
            .collect();
        let sprites = animator.sprites(now);
        let live = sprites.len();
        layer.paint(&piles(sprites), live, &flashes, animator.started());
    }
}

/// Milliseconds from the page's clock.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
