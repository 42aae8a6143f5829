//! The one animation loop: `requestAnimationFrame` steps the [`Animator`] and paints its tokens
//! and flashes on a canvas laid over the topology's SVG ([`paint`]).
//!
//! Tokens are no DOM elements: hundreds of moving SVG nodes made the browser's style, layout and
//! paint work the larger part of every frame. The canvas is cleared and painted each frame while
//! anything moves; the loop stops when nothing moves and starts again when events arrive.
//!
//! The loop keeps the [`Playback`] clocks too: speed, pause, and the replay of a finished run.
//! A replay reads the run record through a [`Recorded`] that the page hands it: the loop says
//! what run time it has reached, and the record shows the run as it was then and hands back the
//! events to animate. The loop only animates: live events come from [`crate::inbox`], the run
//! record belongs to [`crate::playground`].

pub mod paint;

use crate::model::anim::Animator;
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

/// A recorded run, as a replay reads it: given a run time, the run is shown as it was then and
/// the events that time newly shows are handed back to be animated.
pub type Recorded = Rc<dyn Fn(f64) -> Vec<Event>>;

/// The animation loop's state; shared by the inbox and the canvas.
pub struct AnimLoop {
    animator: RefCell<Animator>,
    layout: RefCell<Layout>,
    running: Cell<bool>,
    layer: RefCell<Option<TokenLayer>>,
    playback: RefCell<Playback>,
    /// The run being replayed.
    recorded: RefCell<Option<Recorded>>,
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
            recorded: RefCell::new(None),
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

    /// Forget every token: a new run, or another scenario. A replay ends.
    pub fn reset(&self, layout: Layout) {
        self.animator.borrow_mut().reset(layout.clone());
        *self.layout.borrow_mut() = layout;
        self.clear();
        self.playback.borrow_mut().stop_replay();
        self.counting.set(false);
        if self.position.get_untracked().is_some() {
            self.position.set(None);
        }
    }

    /// Animate a batch of events.
    pub fn push(self: &Rc<Self>, events: &[Event]) {
        self.animator.borrow_mut().push(events);
        self.wake();
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

    /// Show the `recorded` run (which ends at run time `end_ms`) as it was at run time `t_ms`
    /// and animate it from there on (when not paused).
    pub fn seek(self: &Rc<Self>, t_ms: f64, end_ms: f64, recorded: Recorded) {
        self.animator.borrow_mut().reset(self.layout.borrow().clone());
        self.clear();
        // What was due up to `t_ms` is shown, not animated.
        recorded(t_ms);
        *self.recorded.borrow_mut() = Some(recorded);
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
        if !paused && (replaying || counting || self.animator.borrow().busy()) {
            leptos::prelude::request_animation_frame(move || self.frame());
        } else {
            self.playback.borrow_mut().idle();
            self.running.set(false);
        }
    }

    /// Show the replayed run up to run time `t_ms` and animate the events that became due;
    /// `false` once the replay is over.
    fn replay_to(&self, t_ms: f64) -> bool {
        let Some(recorded) = self.recorded.borrow().clone() else {
            return false;
        };
        let due = recorded(t_ms);
        if !due.is_empty() {
            self.animator.borrow_mut().push(&due);
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
        layer.paint(&animator.sprites(now), &flashes, animator.started());
    }
}

/// Milliseconds from the page's clock.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
