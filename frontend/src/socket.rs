//! The WebSocket to the relay, through web-sys, feeding the page's [`Inbox`].
//!
//! This is the only module that touches the browser's socket; everything it learns goes to the
//! inbox as it came (opening, open, a text frame, closed).

use crate::inbox::Inbox;
use std::rc::Rc;
use warren_shared::ClientMessage;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket, js_sys};

/// Path of the relay's WebSocket on the page's own host.
pub const WS_PATH: &str = "/ws";

/// The socket URL for a page served from `protocol` (`http:` or `https:`) and `host`
/// (`name:port`): the same host, `wss:` when the page is secure.
pub fn ws_url(protocol: &str, host: &str) -> String {
    let scheme = if protocol == "https:" { "wss:" } else { "ws:" };
    format!("{scheme}//{host}{WS_PATH}")
}

/// The socket URL for the current page.
pub fn page_ws_url() -> String {
    let location = web_sys::window().map(|window| window.location());
    let protocol = location.as_ref().and_then(|l| l.protocol().ok());
    let host = location.as_ref().and_then(|l| l.host().ok());
    ws_url(
        protocol.as_deref().unwrap_or("http:"),
        host.as_deref().unwrap_or("127.0.0.1"),
    )
}

/// An open (or opening) socket and the callbacks it calls; closing it detaches the callbacks
/// first, so a replaced socket never feeds the inbox again.
pub struct RelaySocket {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl RelaySocket {
    /// Open a socket to `url`; everything it brings goes to `inbox`. When the browser refuses
    /// to even create the socket, the inbox is told why and `None` is returned.
    pub fn open(url: &str, inbox: Rc<Inbox>) -> Option<Self> {
        inbox.connecting(url);
        let socket = match WebSocket::new(url) {
            Ok(socket) => socket,
            Err(error) => {
                let why = error
                    .as_string()
                    .or_else(|| {
                        let error = error.dyn_ref::<js_sys::Error>()?;
                        Some(String::from(error.message()))
                    })
                    .unwrap_or_else(|| "the browser refused".to_owned());
                inbox.failed_to_open(url, &why);
                return None;
            }
        };

        let on_open = {
            let inbox = Rc::clone(&inbox);
            Closure::<dyn FnMut(Event)>::new(move |_: Event| inbox.opened())
        };
        let on_message = {
            let inbox = Rc::clone(&inbox);
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let Some(text) = event.data().as_string() {
                    inbox.text(&text);
                }
            })
        };
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            inbox.closed(event.code(), &event.reason());
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));

        Some(Self {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// Send a message; an error says why it could not be sent.
    pub fn send(&self, message: &ClientMessage) -> Result<(), String> {
        if self.socket.ready_state() != WebSocket::OPEN {
            return Err("not connected to the relay: wait for it to connect, or reconnect".to_owned());
        }
        let text = serde_json::to_string(message).map_err(|e| format!("could not encode the message: {e}"))?;
        self.socket
            .send_with_str(&text)
            .map_err(|_| "the browser could not send the message to the relay".to_owned())
    }
}

impl Drop for RelaySocket {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        // Closing an already closed socket is a no-op; there is nobody to tell if it fails.
        let _ = self.socket.close();
    }
}

#[cfg(test)]
mod tests {
    use super::ws_url;

    #[test]
    fn the_socket_follows_the_page() {
        assert_eq!(ws_url("http:", "127.0.0.1:8080"), "ws://127.0.0.1:8080/ws");
        assert_eq!(ws_url("https:", "warren.example"), "wss://warren.example/ws");
    }
}
