-- Hand-written (drizzle-kit generate --custom): Drizzle cannot express FTS5 virtual tables.
-- The full-text index over search_entries (title, body), as an external-content table: the text
-- is stored once, in search_entries, and these triggers keep the index in step with it, also
-- when a room or a file is deleted and its entries go by cascade.
-- unicode61 with remove_diacritics 2: "café" matches "cafe"; prefix indexes for 2-4 characters
-- make `plan*` a cheap lookup.
CREATE VIRTUAL TABLE `search_fts` USING fts5(
	title, body,
	content='search_entries', content_rowid='id',
	tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'
);
--> statement-breakpoint
CREATE TRIGGER `search_entries_ai` AFTER INSERT ON `search_entries` BEGIN
	INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `search_entries_ad` AFTER DELETE ON `search_entries` BEGIN
	INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
--> statement-breakpoint
CREATE TRIGGER `search_entries_au` AFTER UPDATE OF title, body ON `search_entries` BEGIN
	INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
	INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
