// A chat message's or comment's body with its `<@userId>` mentions as @Name (people we know the
// name of; anyone else's token stays as written). Your own name stands out more.
import { mentionParts } from "../../../shared/mentions.ts";

export function MentionText({ body, names, myId }: { body: string; names: ReadonlyMap<string, string>; myId: string }) {
  return (
    <>
      {mentionParts(body).map((part, index) => {
        if ("text" in part) return part.text;
        const name = names.get(part.userId);
        if (name === undefined) return `<@${part.userId}>`;
        const you = part.userId === myId;
        return (
          <span
            key={index}
            data-mention-id={part.userId}
            data-you={you || undefined}
            className={
              you
                ? "mention rounded bg-amber-200 px-0.5 font-semibold text-amber-950 dark:bg-amber-700 dark:text-amber-50"
                : "mention rounded bg-indigo-50 px-0.5 font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200"
            }
          >
            @{name}
          </span>
        );
      })}
    </>
  );
}
