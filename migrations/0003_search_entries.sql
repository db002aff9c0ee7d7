CREATE TABLE `search_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`room_id` text NOT NULL,
	`item_id` text NOT NULL,
	`file_id` text,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`position` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_entries_item_unique` ON `search_entries` (`room_id`,`type`,`item_id`);--> statement-breakpoint
CREATE INDEX `search_entries_file_idx` ON `search_entries` (`file_id`);