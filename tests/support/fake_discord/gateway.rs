//! The gateway: one task per websocket connection.
//!
//! The session speaks Discord's JSON gateway protocol in plain text frames: HELLO (op 10)
//! on connect; IDENTIFY (op 2) → READY then `GUILD_CREATE`; RESUME (op 6) → RESUMED,
//! continuing from the client's sequence; heartbeat (op 1) → ACK (op 11). After IDENTIFY or
//! RESUME the session is registered so [`super::FakeDiscord::dispatch`] can reach it; each
//! dispatch gets `op` 0, the session's next `s`, and `t`.

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures_util::SinkExt;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::{payloads, Identify, Outbound, Shared};

/// `GET /` with an upgrade: the gateway (serenity connects to `ws://127.0.0.1:PORT/?v=10`).
pub(super) async fn upgrade(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| session(socket, shared))
}

/// Why a session loop ended.
enum End {
    /// The client closed or the connection broke.
    Client,
    /// The fake is stopping.
    Shutdown,
}

/// Run one connection until the client leaves or the fake stops.
async fn session(mut socket: WebSocket, shared: Arc<Shared>) {
    let conn = shared.update(|s| {
        s.connections += 1;
        s.connections
    });
    let (tx, mut rx) = mpsc::unbounded_channel::<Outbound>();
    let mut shutdown = shared.shutdown.subscribe();
    let mut seq: u64 = 0;

    let interval = u64::try_from(shared.options.heartbeat_interval.as_millis()).unwrap_or(u64::MAX);
    let end = if send(&mut socket, &json!({ "op": 10, "d": { "heartbeat_interval": interval } })).await {
        loop {
            tokio::select! {
                incoming = socket.recv() => {
                    let text = match incoming {
                        Some(Ok(Message::Text(text))) => text.to_string(),
                        Some(Ok(Message::Binary(bytes))) => String::from_utf8_lossy(&bytes).into_owned(),
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Close(_)) | Err(_)) | None => break End::Client,
                    };
                    let Ok(frame) = serde_json::from_str::<Value>(&text) else {
                        // Discord closes with 4002 "decode error".
                        close(&mut socket, 4002, "decode error").await;
                        break End::Client;
                    };
                    shared.update(|s| s.frames.push(frame.clone()));
                    if !handle_frame(&mut socket, &shared, conn, &tx, &mut seq, &frame).await {
                        break End::Client;
                    }
                }
                outbound = rx.recv() => {
                    let frame = match outbound {
                        Some(Outbound::Dispatch(t, d)) => dispatch_frame(&mut seq, &t, d),
                        Some(Outbound::Raw(frame)) => frame,
                        None => continue,
                    };
                    if !send(&mut socket, &frame).await {
                        break End::Client;
                    }
                }
                () = super::stopped(&mut shutdown) => break End::Shutdown,
            }
        }
    } else {
        End::Client
    };

    shared.update(|s| s.sessions.remove(&conn));
    match end {
        End::Shutdown => close(&mut socket, 1001, "fake Discord stopping").await,
        // Flushes the close reply tungstenite queued when the client's close frame arrived.
        End::Client => {
            let _ = tokio::time::timeout(std::time::Duration::from_millis(200), socket.close()).await;
        }
    }
}

/// React to one client frame. Returns `false` when the connection should end.
async fn handle_frame(
    socket: &mut WebSocket,
    shared: &Arc<Shared>,
    conn: u64,
    tx: &mpsc::UnboundedSender<Outbound>,
    seq: &mut u64,
    frame: &Value,
) -> bool {
    let d = frame.get("d").cloned().unwrap_or(Value::Null);
    match frame.get("op").and_then(Value::as_u64) {
        // Heartbeat.
        Some(1) => send(socket, &json!({ "op": 11 })).await,
        // Identify.
        Some(2) => {
            let identify = Identify {
                token: d.get("token").and_then(Value::as_str).unwrap_or_default().to_string(),
                intents: d.get("intents").and_then(Value::as_u64).unwrap_or(0),
                shard: d.get("shard").and_then(|s| serde_json::from_value::<[u64; 2]>(s.clone()).ok()),
                raw: d.clone(),
            };
            let refused = shared.options.valid_token.as_ref().is_some_and(|t| identify.token != format!("Bot {t}"));
            shared.update(|s| s.identifies.push(identify));
            if refused {
                close(socket, 4004, "Authentication failed").await;
                return false;
            }
            let session_id = format!("fake-session-{conn}");
            let ready = payloads::ready(&shared.world, &session_id, &shared.gateway_url());
            let guild = payloads::guild_create(&shared.world);
            let ok = send(socket, &dispatch_frame(seq, "READY", ready)).await
                && send(socket, &dispatch_frame(seq, "GUILD_CREATE", guild)).await;
            if ok {
                shared.update(|s| {
                    s.sessions.insert(conn, tx.clone());
                    s.ready_sent += 1;
                });
            }
            ok
        }
        // Resume: continue the client's sequence.
        Some(6) => {
            *seq = d.get("seq").and_then(Value::as_u64).unwrap_or(*seq);
            let ok = send(socket, &dispatch_frame(seq, "RESUMED", json!({}))).await;
            if ok {
                shared.update(|s| {
                    s.sessions.insert(conn, tx.clone());
                    s.resumed_sent += 1;
                });
            }
            ok
        }
        // Presence updates, member chunk requests, voice state...: recorded, not answered.
        Some(_) => true,
        None => {
            close(socket, 4001, "unknown opcode").await;
            false
        }
    }
}

/// A dispatch frame with the session's next sequence number.
fn dispatch_frame(seq: &mut u64, t: &str, d: Value) -> Value {
    *seq += 1;
    json!({ "op": 0, "s": *seq, "t": t, "d": d })
}

/// Send a JSON frame as text. Returns `false` if the connection is gone.
async fn send(socket: &mut WebSocket, frame: &Value) -> bool {
    socket.send(Message::Text(frame.to_string().into())).await.is_ok()
}

/// Send a close frame, ignoring a connection that is already gone.
async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame { code, reason: reason.to_string().into() };
    let _ = socket.send(Message::Close(Some(frame))).await;
}
