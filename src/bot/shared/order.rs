//! Judging each channel's messages in the order Discord sent them.
//!
//! serenity hands every gateway event to the handler in a task of its own,
//! so two messages sent microseconds apart may be judged in either order
//! (tokio even tends to run the task spawned last first). The order is
//! known at one place only: serenity's shard runner feeds every event to
//! its *collectors* synchronously and in gateway order, before it spawns
//! the handlers. keel registers one collector per shard (on READY) that
//! gives each guild message, created or edited, a ticket in its channel's
//! line; the handler waits for its ticket's turn before judging and passes
//! the turn on once the engine has decided ([`Turn`] does it when dropped,
//! also on an early return or a panic). Only judgment is serialized, per
//! channel: the Discord actions that follow run concurrently, and other
//! channels never wait.
//!
//! Degrades, never wedges: a message without a ticket (it arrived before
//! the collector was registered) is judged at once, and a turn that does
//! not come within [`MAX_WAIT`] (a handler that never ran) is taken anyway,
//! logged, and the line moves past the missing tickets.

use dashmap::DashMap;
use serenity::all::Event;
use serenity::gateway::CollectorCallback;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// How long a message waits for the messages before it in its channel
/// before it is judged anyway.
pub const MAX_WAIT: Duration = Duration::from_secs(5);

/// A message's place: (message ID, is an edit).
type Key = (u64, bool);

/// One channel's line of tickets.
#[derive(Debug, Default)]
struct Line {
    /// The last ticket given out (tickets start at 1).
    issued: u64,
    /// Every ticket up to this one has been judged (or skipped).
    served: u64,
    /// Tickets judged ahead of their turn (after a skip), above `served`.
    done: BTreeSet<u64>,
    /// Tickets given out and not yet claimed by a handler, by message.
    tickets: HashMap<Key, Vec<u64>>,
    /// Handlers waiting for their turn, by ticket.
    waiting: HashMap<u64, oneshot::Sender<()>>,
}

impl Line {
    fn idle(&self) -> bool {
        self.issued == self.served && self.tickets.is_empty() && self.waiting.is_empty()
    }

    /// Marks `ticket` judged and wakes the next in line, if it is waiting.
    fn finish(&mut self, ticket: u64) {
        if ticket > self.served {
            self.done.insert(ticket);
        }
        while self.done.remove(&(self.served + 1)) {
            self.served += 1;
        }
        if let Some(next) = self.waiting.remove(&(self.served + 1)) {
            let _ = next.send(());
        }
    }
}

/// The lines of every channel, shared by the collector and the handlers.
#[derive(Debug)]
pub struct Order {
    /// One line per channel: a `DashMap`, so handlers in different channels
    /// never wait on each other's lock (a guard is never held across an `.await`).
    lines: DashMap<u64, Line>,
    /// The latest collector registered on each shard; older ones retire
    /// (read on every gateway event, by every shard's collector).
    generations: DashMap<u32, u64>,
    /// How long a turn is waited for ([`MAX_WAIT`] unless a test says otherwise).
    max_wait: Duration,
}

impl Default for Order {
    fn default() -> Self {
        Order::with_max_wait(MAX_WAIT)
    }
}

/// The right to judge a message now; passes the turn on when dropped.
#[derive(Debug)]
pub struct Turn {
    order: Arc<Order>,
    channel: u64,
    ticket: u64,
}

impl Drop for Turn {
    fn drop(&mut self) {
        finish(&self.order, self.channel, self.ticket);
    }
}

impl Order {
    /// Lines whose turns are waited for at most `max_wait`.
    pub fn with_max_wait(max_wait: Duration) -> Order {
        Order { lines: DashMap::default(), generations: DashMap::default(), max_wait }
    }

    /// Gives a guild message event a ticket in its channel's line (called by
    /// the collector, in gateway order).
    pub fn issue(&self, channel: u64, message: u64, edited: bool) {
        let mut line = self.lines.entry(channel).or_default();
        line.issued += 1;
        let ticket = line.issued;
        line.tickets.entry((message, edited)).or_default().push(ticket);
    }

    /// The collector for one shard: tickets for every guild message created
    /// or edited. Registering a new one on a shard retires the previous.
    pub fn collector(self: &Arc<Self>, shard: u32) -> CollectorCallback {
        let generation = {
            let mut g = self.generations.entry(shard).or_insert(0);
            *g += 1;
            *g
        };
        let order = self.clone();
        CollectorCallback(Box::new(move |event: &Event| {
            if order.generations.get(&shard).map(|g| *g) != Some(generation) {
                return false;
            }
            match event {
                Event::MessageCreate(e) if e.message.guild_id.is_some() => {
                    order.issue(e.message.channel_id.get(), e.message.id.get(), false);
                }
                Event::MessageUpdate(e) if e.guild_id.is_some() => order.issue(e.channel_id.get(), e.id.get(), true),
                _ => {}
            }
            true
        }))
    }

    /// True once a collector hands out tickets (on some shard).
    pub fn is_listening(&self) -> bool {
        !self.generations.is_empty()
    }

    /// Claims the message's ticket without waiting: the handler can do the
    /// work that does not depend on order (reading the database, the
    /// context reader) before [`Ticket::wait`]. `None` (judge at once) when
    /// it has no ticket.
    pub fn ticket(self: &Arc<Self>, channel: u64, message: u64, edited: bool) -> Option<Ticket> {
        let mut line = self.lines.get_mut(&channel)?;
        let tickets = line.tickets.get_mut(&(message, edited))?;
        let ticket = tickets.remove(0);
        if tickets.is_empty() {
            line.tickets.remove(&(message, edited));
        }
        Some(Ticket { order: self.clone(), channel, message, ticket, armed: true })
    }

    /// Waits until the messages given tickets before this one in its
    /// channel are judged; `None` (judge at once) when it has no ticket.
    pub async fn turn(self: &Arc<Self>, channel: u64, message: u64, edited: bool) -> Option<Turn> {
        Some(self.ticket(channel, message, edited)?.wait().await)
    }
}

/// A message's claimed place in its channel's line. [`Ticket::wait`] turns
/// it into the [`Turn`]; dropped unused (an early return), it gives its
/// place up so the line moves on.
#[derive(Debug)]
pub struct Ticket {
    order: Arc<Order>,
    channel: u64,
    message: u64,
    ticket: u64,
    armed: bool,
}

impl Ticket {
    /// Waits until every message before this one in its channel is judged.
    pub async fn wait(mut self) -> Turn {
        self.armed = false;
        let (order, channel, message, ticket) = (self.order.clone(), self.channel, self.message, self.ticket);
        let wait = {
            match order.lines.get_mut(&channel) {
                Some(mut line) if ticket > line.served + 1 => {
                    let (tx, rx) = oneshot::channel();
                    line.waiting.insert(ticket, tx);
                    Some(rx)
                }
                _ => None,
            }
        };
        if let Some(rx) = wait {
            if tokio::time::timeout(order.max_wait, rx).await.is_err() {
                tracing::warn!(channel, message, "judging a message without waiting further for earlier ones");
                if let Some(mut line) = order.lines.get_mut(&channel) {
                    line.waiting.remove(&ticket);
                    line.served = line.served.max(ticket - 1);
                    let served = line.served;
                    line.done.retain(|t| *t > served);
                }
            }
        }
        Turn { order, channel, ticket }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.armed {
            finish(&self.order, self.channel, self.ticket);
        }
    }
}

/// Marks `ticket` of `channel` judged, and forgets the line once idle.
fn finish(order: &Order, channel: u64, ticket: u64) {
    let idle = match order.lines.get_mut(&channel) {
        Some(mut line) => {
            line.finish(ticket);
            line.idle()
        }
        None => false,
    };
    if idle {
        // Checked again under the shard's lock: a ticket issued meanwhile keeps the line.
        order.lines.remove_if(&channel, |_, line| line.idle());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::shared::sync::lock;
    use std::sync::Mutex;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn work_before_the_turn_runs_out_of_order_and_an_unused_ticket_gives_its_place_up() {
        let order = Arc::new(Order::with_max_wait(Duration::from_secs(60)));
        for m in 1..=3 {
            order.issue(7, m, false);
        }
        let (t1, t2, t3) = (
            order.ticket(7, 1, false).unwrap(),
            order.ticket(7, 2, false).unwrap(),
            order.ticket(7, 3, false).unwrap(),
        );
        // The third message's turn waits for the first...
        let third = tokio::spawn(async move { t3.wait().await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!third.is_finished(), "message 3 waits for message 1");
        // ...and the second, dropped unused (an ignored message), holds nothing up.
        drop(t2);
        drop(t1.wait().await);
        let turn = tokio::time::timeout(Duration::from_secs(5), third).await.expect("no wait for the dropped ticket");
        drop(turn.expect("task"));
        assert!(order.lines.is_empty(), "the line is forgotten once idle");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn turns_follow_the_tickets_whatever_order_handlers_arrive_in() {
        let order = Arc::new(Order::default());
        for m in 1..=50 {
            order.issue(7, m, false);
        }
        let judged = Arc::new(Mutex::new(Vec::new()));
        // Handlers start in reverse order.
        let mut tasks = Vec::new();
        for m in (1..=50u64).rev() {
            let (order, judged) = (order.clone(), judged.clone());
            tasks.push(tokio::spawn(async move {
                let turn = order.turn(7, m, false).await;
                assert!(turn.is_some());
                lock(&judged).push(m);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*lock(&judged), (1..=50).collect::<Vec<u64>>());
        assert!(order.lines.is_empty(), "an idle channel is forgotten");
    }

    #[tokio::test]
    async fn a_message_without_a_ticket_is_judged_at_once() {
        let order = Arc::new(Order::default());
        assert!(order.turn(7, 1, false).await.is_none());
        order.issue(7, 1, false);
        assert!(order.turn(7, 1, true).await.is_none(), "an edit has its own ticket");
        assert!(order.turn(7, 1, false).await.is_some());
    }

    #[tokio::test]
    async fn a_missing_handler_holds_the_line_only_for_a_while() {
        let order = Arc::new(Order::with_max_wait(Duration::from_millis(50)));
        for m in 1..=3 {
            order.issue(7, m, false);
        }
        // Message 1's handler never comes; 2 waits, then goes; 3 follows 2.
        let second = order.turn(7, 2, false).await.expect("a ticket");
        let third = {
            let order = order.clone();
            tokio::spawn(async move { order.turn(7, 3, false).await.map(|t| t.ticket) })
        };
        tokio::task::yield_now().await;
        assert!(!third.is_finished());
        drop(second);
        assert_eq!(third.await.unwrap(), Some(3));
        // The late one is judged at once when it comes.
        assert!(order.turn(7, 1, false).await.is_some());
        assert!(order.lines.is_empty());
    }
}
