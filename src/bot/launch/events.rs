//! serenity's event handler for keel: each gateway event handed to the part
//! of the shell that handles it.

use crate::bot::launch::connection;
use crate::bot::message::{self, Incoming};
use crate::bot::shared::Shared;
use serenity::all::{Context, EventHandler, Guild, Interaction, Message, MessageUpdateEvent, Ready};
use std::sync::Arc;

/// serenity's event handler for keel.
#[derive(Debug, Clone)]
pub struct Handler {
    /// State shared with the reloader.
    pub shared: Arc<Shared>,
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn message(&self, ctx: Context, msg: Message) {
        self.shared.probes.received(msg.id.get());
        let ticket = self.shared.order.ticket(msg.channel_id.get(), msg.id.get(), false);
        if let Some(incoming) = Incoming::created(&msg) {
            message::judge(&self.shared, &ctx, incoming, ticket).await;
        }
        self.shared.handled();
    }

    async fn message_update(
        &self,
        ctx: Context,
        _old: Option<Message>,
        _new: Option<Message>,
        event: MessageUpdateEvent,
    ) {
        let ticket = self.shared.order.ticket(event.channel_id.get(), event.id.get(), true);
        if let Some(incoming) = Incoming::edited(&event) {
            message::judge(&self.shared, &ctx, incoming, ticket).await;
        }
        self.shared.handled();
    }

    async fn guild_create(&self, _ctx: Context, guild: Guild, _is_new: Option<bool>) {
        tracing::info!(guild = guild.id.get(), name = %guild.name, "guild available");
        self.shared.guild_ready(guild.id.get());
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if let Interaction::Component(ci) = interaction {
            crate::bot::buttons::handle(&self.shared, &ctx, &ci).await;
        }
    }

    async fn ready(&self, ctx: Context, ready: Ready) {
        connection::log_connected(&ready.user.name, ready.guilds.len());
        // From now on, this shard's messages get their place in line as they arrive.
        ctx.shard.add_collector(self.shared.order.collector(ctx.shard_id.0));
    }

    async fn resume(&self, _ctx: Context, _resumed: serenity::all::ResumedEvent) {
        connection::log_resumed();
    }
}
