"""Background sending: calls queue records (in memory or in a durable SQLite outbox) and one thread per
sender sends them in batches through the bulk endpoints. See ``sender.BackgroundSender``."""
