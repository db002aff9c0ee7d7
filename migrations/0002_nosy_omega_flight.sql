CREATE TABLE `room_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`room_id` text NOT NULL,
	`invitee_id` text,
	`email` text,
	`role` text NOT NULL,
	`invited_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invitee_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invited_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `room_invitations_room_invitee_unique` ON `room_invitations` (`room_id`,`invitee_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `room_invitations_room_email_unique` ON `room_invitations` (`room_id`,`email`);--> statement-breakpoint
CREATE INDEX `room_invitations_invitee_idx` ON `room_invitations` (`invitee_id`);--> statement-breakpoint
CREATE INDEX `room_invitations_email_idx` ON `room_invitations` (`email`);