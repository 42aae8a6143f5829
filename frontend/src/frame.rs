//! The one animation loop: `requestAnimationFrame` steps the [`Animator`] and draws its tokens
//! and flashes straight into an SVG layer the components leave empty.
//!
//! Drawing hundreds of moving circles through reactive views would rebuild nodes every frame;
//! here each token is one `<g>` that is created once, moved by its `transform`, and removed when
//! the token is gone. The loop stops when nothing moves and starts again when events arrive.

use crate::anim::Animator;
use crate::layout::Layout;
use leptos::prelude::{GetUntracked, RwSignal, Set};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use warren_shared::Event;
use web_sys::Element;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The animation loop's state; shared by the socket handler and the canvas.
pub struct AnimLoop {
    animator: RefCell<Animator>,
    layout: RefCell<Layout>,
    running: Cell<bool>,
    layer: RefCell<Option<Element>>,
    tokens: RefCell<HashMap<u64, Element>>,
    flashes: RefCell<HashMap<usize, Element>>,
    /// Whether messages are being counted instead of drawn; read by the canvas.
    pub counting: RwSignal<bool>,
}

impl AnimLoop {
    /// A stopped loop with nothing to draw.
    pub fn new() -> Rc<Self> {
        Rc::new(Self {
            animator: RefCell::new(Animator::default()),
            layout: RefCell::new(Layout::default()),
            running: Cell::new(false),
            layer: RefCell::new(None),
            tokens: RefCell::new(HashMap::new()),
            flashes: RefCell::new(HashMap::new()),
            counting: RwSignal::new(false),
        })
    }

    /// Draw into this element (an SVG `<g>`) from now on.
    pub fn set_layer(&self, layer: Element) {
        self.clear();
        *self.layer.borrow_mut() = Some(layer);
    }

    /// Forget every token: a new run, or another scenario.
    pub fn reset(&self, layout: Layout) {
        self.animator.borrow_mut().reset(layout.clone());
        *self.layout.borrow_mut() = layout;
        self.clear();
        self.counting.set(false);
    }

    /// Animate a batch of events.
    pub fn push(self: &Rc<Self>, events: &[Event]) {
        self.animator.borrow_mut().push(events);
        self.wake();
    }

    /// Messages drawn and counted so far.
    pub fn drawn_and_counted(&self) -> (u64, u64) {
        let a = self.animator.borrow();
        (a.drawn, a.counted)
    }

    fn clear(&self) {
        for (_, element) in self.tokens.borrow_mut().drain() {
            element.remove();
        }
        for (_, element) in self.flashes.borrow_mut().drain() {
            element.remove();
        }
    }

    fn wake(self: &Rc<Self>) {
        if !self.running.replace(true) {
            let me = Rc::clone(self);
            leptos::prelude::request_animation_frame(move || me.frame());
        }
    }

    fn frame(self: Rc<Self>) {
        let now = now_ms();
        self.animator.borrow_mut().step(now);
        self.draw(now);
        let counting = self.animator.borrow().counting(now);
        if counting != self.counting.get_untracked() {
            self.counting.set(counting);
        }
        if self.animator.borrow().busy() || counting {
            leptos::prelude::request_animation_frame(move || self.frame());
        } else {
            self.running.set(false);
        }
    }

    fn draw(&self, now: f64) {
        let Some(layer) = self.layer.borrow().clone() else {
            return;
        };
        let Some(document) = layer.owner_document() else {
            return;
        };
        let animator = self.animator.borrow();
        let sprites = animator.sprites(now);
        let mut tokens = self.tokens.borrow_mut();
        let mut alive = std::collections::HashSet::with_capacity(sprites.len());
        for sprite in &sprites {
            alive.insert(sprite.key);
            let element = match tokens.get(&sprite.key) {
                Some(element) => element.clone(),
                None => {
                    let Some(element) = token_element(&document, sprite.label.as_deref(), &sprite.message) else {
                        continue;
                    };
                    let _ = layer.append_child(&element);
                    tokens.insert(sprite.key, element.clone());
                    element
                }
            };
            let _ = element.set_attribute("transform", &format!("translate({:.1} {:.1})", sprite.x, sprite.y));
            let _ = element.set_attribute("class", &format!("token tone-{}", sprite.tone.as_str()));
            let _ = element.set_attribute("opacity", &format!("{:.2}", sprite.opacity));
        }
        tokens.retain(|key, element| {
            let keep = alive.contains(key);
            if !keep {
                element.remove();
            }
            keep
        });

        let layout = self.layout.borrow();
        let mut flashes = self.flashes.borrow_mut();
        let mut lit = std::collections::HashSet::new();
        for (node, tone, strength) in animator.flashes(now) {
            let Some(n) = layout.nodes.get(node) else { continue };
            lit.insert(node);
            let element = match flashes.get(&node) {
                Some(element) => element.clone(),
                None => {
                    let Ok(element) = document.create_element_ns(Some(SVG_NS), "rect") else {
                        continue;
                    };
                    let _ = element.set_attribute("x", &format!("{:.1}", n.x - 4.0));
                    let _ = element.set_attribute("y", &format!("{:.1}", n.y - 4.0));
                    let _ = element.set_attribute("width", &format!("{:.1}", n.w + 8.0));
                    let _ = element.set_attribute("height", &format!("{:.1}", n.h + 8.0));
                    let _ = element.set_attribute("rx", "12");
                    let _ = element.set_attribute("data-testid", "flash");
                    let _ = layer.insert_before(&element, layer.first_child().as_ref());
                    flashes.insert(node, element.clone());
                    element
                }
            };
            let _ = element.set_attribute("class", &format!("flash tone-{}", tone.as_str()));
            let _ = element.set_attribute("opacity", &format!("{strength:.2}"));
        }
        flashes.retain(|node, element| {
            let keep = lit.contains(node);
            if !keep {
                element.remove();
            }
            keep
        });
    }
}

fn token_element(document: &web_sys::Document, label: Option<&str>, message: &str) -> Option<Element> {
    let group = document.create_element_ns(Some(SVG_NS), "g").ok()?;
    let _ = group.set_attribute("data-testid", "token");
    let _ = group.set_attribute("data-message", message);
    let circle = document.create_element_ns(Some(SVG_NS), "circle").ok()?;
    let _ = circle.set_attribute("r", if label.is_some() { "8" } else { "6" });
    let _ = group.append_child(&circle);
    if let Some(label) = label {
        let text = document.create_element_ns(Some(SVG_NS), "text").ok()?;
        let _ = text.set_attribute("y", "3.5");
        text.set_text_content(Some(label));
        let _ = group.append_child(&text);
    }
    Some(group)
}

/// Milliseconds from the page's clock.
fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
