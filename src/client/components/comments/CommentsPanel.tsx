// The Comments panel: open threads in document order, each with the text it is about; threads
// whose text was deleted ("orphaned") and resolved ones listed apart. Commenters and up start
// threads on the selected text, reply and resolve; authors edit and delete their own comments,
// owners and admins delete any. Clicking a thread's quote shows its text in the document.
import { createContext, useContext, useEffect, useRef, useState } from "react";
import { api } from "../../api.ts";
import { useToast } from "../../hooks/useToast.ts";
import { MAX_COMMENT_CHARS, type Comment, type Thread } from "../../../shared/comments.ts";
import { type Person, useRoomPeople } from "../../hooks/useRoomPeople.ts";
import { MentionText } from "../mentions/MentionText.tsx";
import { useMentionAutocomplete } from "../mentions/useMentionAutocomplete.tsx";

/** The room's people, for @mentions in comment bodies (shown as names, offered while typing). */
const People = createContext<{ people: Person[]; names: ReadonlyMap<string, string>; myId: string }>({ people: [], names: new Map(), myId: "" });

/** What the document tells the panel (Editor.tsx makes it). */
export type CommentsBridge = {
  /** Where a thread's text is now, in document order; null: its text is gone. */
  positionOf: (thread: Thread) => number | null;
  /** The selection as a new thread's anchor; null when nothing is selected. */
  selection: () => { start: string; end: string; quote: string } | null;
  /** Scrolls to a thread's text and selects it. */
  show: (thread: Thread) => void;
};

export type Draft = { start: string; end: string; quote: string };

type Props = {
  roomId: string;
  threads: Thread[];
  myId: string;
  canComment: boolean;
  canManage: boolean;
  bridge: CommentsBridge | null;
  activeId: string | null;
  onActivate: (threadId: string | null) => void;
  draft: Draft | null;
  onDraft: (draft: Draft | null) => void;
  onChanged: (thread: Thread) => void;
  onDeleted: (threadId: string) => void;
};

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

export function CommentsPanel(props: Props) {
  const { threads, bridge, canComment } = props;
  const toast = useToast();
  const positioned = threads.map((thread) => ({ thread, at: thread.anchor.orphaned ? null : (bridge?.positionOf(thread) ?? null) }));
  const open = positioned.filter((p) => !p.thread.resolved && p.at !== null).sort((a, b) => a.at! - b.at!);
  const orphaned = positioned.filter((p) => !p.thread.resolved && p.at === null);
  const resolved = positioned.filter((p) => p.thread.resolved);

  const startThread = () => {
    const selection = bridge?.selection();
    if (!selection) return toast.info("Select some text in the document first, then choose Comment.");
    props.onDraft(selection);
  };

  const card = (thread: Thread, kind: "open" | "orphaned" | "resolved") => <ThreadCard key={thread.id} {...props} thread={thread} kind={kind} />;
  const people = useRoomPeople(props.roomId);

  return (
    <People value={{ ...people, myId: props.myId }}>
    <section aria-label="Comments" className="flex h-full min-h-0 flex-col text-sm">
      <div className="flex items-center gap-2 border-b border-slate-200 p-3 dark:border-slate-700">
        <h2 className="font-semibold">Comments</h2>
        {canComment && (
          <button
            type="button"
            onClick={startThread}
            aria-keyshortcuts="Control+Alt+M"
            title="Comment on the selected text (Ctrl+Alt+M)"
            className="ml-auto min-h-9 rounded bg-indigo-600 px-3 text-white hover:bg-indigo-700"
          >
            Comment
          </button>
        )}
      </div>
      <div className="min-h-0 flex-1 space-y-3 overflow-y-auto p-3">
        {props.draft && <NewThread {...props} draft={props.draft} />}
        {open.length === 0 && !props.draft && <p className="text-slate-600 dark:text-slate-400">No open comments. Select text and choose Comment to start one.</p>}
        {open.map((p) => card(p.thread, "open"))}
        {orphaned.length > 0 && (
          <section aria-label="Comments on deleted text" className="space-y-3">
            <h3 className="pt-2 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">On deleted text</h3>
            {orphaned.map((p) => card(p.thread, "orphaned"))}
          </section>
        )}
        {resolved.length > 0 && (
          <details className="space-y-3">
            <summary className="cursor-pointer pt-2 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Resolved ({resolved.length})</summary>
            {resolved.map((p) => card(p.thread, "resolved"))}
          </details>
        )}
      </div>
    </section>
    </People>
  );
}

function NewThread(props: Props & { draft: Draft }) {
  const toast = useToast();
  const [body, setBody] = useState("");
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), [props.draft]);
  const submit = async () => {
    try {
      const { thread } = await api<{ thread: Thread }>(`/api/rooms/${props.roomId}/comments`, {
        method: "POST",
        body: JSON.stringify({ body, anchor: { start: props.draft.start, end: props.draft.end } }),
      });
      props.onChanged(thread);
      props.onDraft(null);
      props.onActivate(thread.id);
    } catch (error) {
      toast.error(error);
    }
  };
  return (
    <form
      aria-label="New comment"
      className="space-y-2 rounded border border-indigo-300 p-2 dark:border-indigo-700"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <blockquote className="border-l-2 border-amber-400 pl-2 text-slate-700 italic dark:text-slate-300">{props.draft.quote}</blockquote>
      <BodyField ref={field} label="Your comment" value={body} onChange={setBody} onSubmit={submit} />
      <div className="flex gap-2">
        <button type="submit" disabled={!body.trim()} className="min-h-9 rounded bg-indigo-600 px-3 text-white disabled:opacity-50">
          Comment
        </button>
        <button type="button" onClick={() => props.onDraft(null)} className="min-h-9 rounded px-3 text-slate-700 dark:text-slate-200">
          Cancel
        </button>
      </div>
    </form>
  );
}

function ThreadCard(props: Props & { thread: Thread; kind: "open" | "orphaned" | "resolved" }) {
  const { thread, kind, roomId } = props;
  const toast = useToast();
  const [reply, setReply] = useState("");
  const self = useRef<HTMLElement>(null);
  const active = props.activeId === thread.id;
  useEffect(() => {
    if (active) self.current?.scrollIntoView({ block: "nearest" });
  }, [active]);

  const call = async (path: string, method: string, body?: unknown) => {
    try {
      const result = await api<{ thread?: Thread } | null>(`/api/rooms/${roomId}/comments/${thread.id}${path}`, {
        method,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      if (result?.thread) props.onChanged(result.thread);
      return true;
    } catch (error) {
      toast.error(error);
      return false;
    }
  };
  const remove = async (comment: Comment, first: boolean) => {
    if (!window.confirm(first ? "Delete this comment and its whole thread?" : "Delete this comment?")) return;
    if ((await call(`/replies/${comment.id}`, "DELETE")) && first) props.onDeleted(thread.id);
    else if (!first) props.onChanged({ ...thread, comments: thread.comments.filter((c) => c.id !== comment.id) });
  };

  return (
    <article
      ref={self}
      aria-label={`Comment thread on “${thread.anchor.quote}”`}
      data-thread-id={thread.id}
      data-active={active}
      className={`space-y-2 rounded border p-2 ${active ? "border-amber-500 ring-1 ring-amber-400" : "border-slate-200 dark:border-slate-700"}`}
    >
      <button
        type="button"
        disabled={kind === "orphaned"}
        onClick={() => {
          props.onActivate(thread.id);
          if (props.bridge && kind !== "orphaned") props.bridge.show(thread);
        }}
        className="block w-full border-l-2 border-amber-400 pl-2 text-left text-slate-700 italic disabled:cursor-default dark:text-slate-300"
        title={kind === "orphaned" ? "The text this was about was deleted" : "Show in the document"}
      >
        {thread.anchor.quote || "(no text)"}
        {kind === "orphaned" && <span className="ml-1 not-italic text-xs text-slate-500 dark:text-slate-400">(text deleted)</span>}
      </button>
      <ol className="space-y-2">
        {thread.comments.map((comment, index) => (
          <CommentItem key={comment.id} comment={comment} mine={comment.author.id === props.myId} canDelete={comment.author.id === props.myId || props.canManage} onEdit={(body) => call(`/replies/${comment.id}`, "PATCH", { body })} onDelete={() => remove(comment, index === 0)} />
        ))}
      </ol>
      {props.canComment && kind !== "resolved" && (
        <form
          aria-label="Reply"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await call("/replies", "POST", { body: reply })) setReply("");
          }}
          className="space-y-1"
        >
          <BodyField label="Reply" value={reply} onChange={setReply} onSubmit={async () => void ((await call("/replies", "POST", { body: reply })) && setReply(""))} />
          {reply.trim() && (
            <button type="submit" className="min-h-9 rounded bg-indigo-600 px-3 text-white">
              Reply
            </button>
          )}
        </form>
      )}
      {props.canComment && (
        <button type="button" onClick={() => call("", "PATCH", { resolved: !thread.resolved })} className="min-h-9 rounded border border-slate-300 px-3 text-slate-700 dark:border-slate-600 dark:text-slate-200">
          {thread.resolved ? "Reopen" : "Resolve"}
        </button>
      )}
    </article>
  );
}

function CommentItem(props: { comment: Comment; mine: boolean; canDelete: boolean; onEdit: (body: string) => Promise<boolean>; onDelete: () => void }) {
  const { comment } = props;
  const [editing, setEditing] = useState<string | null>(null);
  const people = useContext(People);
  return (
    <li className="space-y-1">
      <div className="flex items-baseline gap-2 text-xs text-slate-600 dark:text-slate-400">
        <span className="font-semibold text-slate-800 dark:text-slate-100">{comment.author.name ?? "Deleted account"}</span>
        <time dateTime={comment.createdAt}>{when(comment.createdAt)}</time>
        {comment.editedAt && <span>(edited)</span>}
      </div>
      {editing === null ? (
        <p className="whitespace-pre-wrap break-words">
          <MentionText body={comment.body} names={people.names} myId={people.myId} />
        </p>
      ) : (
        <BodyField label="Edit comment" value={editing} onChange={setEditing} onSubmit={async () => void ((await props.onEdit(editing)) && setEditing(null))} />
      )}
      <div className="flex gap-2 text-xs [&>button]:min-h-11 [&>button]:px-1 md:[&>button]:min-h-0">
        {props.mine && editing === null && (
          <button type="button" onClick={() => setEditing(comment.body)} className="text-indigo-700 hover:underline dark:text-indigo-300">
            Edit
          </button>
        )}
        {editing !== null && (
          <>
            <button type="button" onClick={async () => void ((await props.onEdit(editing)) && setEditing(null))} className="text-indigo-700 hover:underline dark:text-indigo-300">
              Save
            </button>
            <button type="button" onClick={() => setEditing(null)} className="text-slate-700 hover:underline dark:text-slate-300">
              Cancel
            </button>
          </>
        )}
        {props.canDelete && editing === null && (
          <button type="button" onClick={props.onDelete} className="text-red-700 hover:underline dark:text-red-300">
            Delete
          </button>
        )}
      </div>
    </li>
  );
}

/** A comment's text box: Enter with Ctrl/Cmd sends, the length limit is the server's. */
/** `value` and `onChange` carry the body as sent (`<@userId>` mentions); the box shows @Name and offers people on @. */
function BodyField(props: { label: string; value: string; onChange: (value: string) => void; onSubmit: () => void; ref?: React.Ref<HTMLTextAreaElement> }) {
  const { people, names, myId } = useContext(People);
  const [shown, setShown] = useState("");
  const reported = useRef<string | null>(null);
  const change = (text: string) => {
    setShown(text);
    reported.current = mentions.toBody(text);
    props.onChange(reported.current);
  };
  const mentions = useMentionAutocomplete({ value: shown, onChange: change, people, myId });
  // A value set from outside (cleared after sending, a comment opened for editing) is shown anew.
  if (props.value !== reported.current) {
    reported.current = props.value;
    setShown(mentions.toField(props.value, names));
  }
  return (
    <div className="relative">
      <textarea
        ref={props.ref}
        aria-label={props.label}
        value={shown}
        maxLength={MAX_COMMENT_CHARS}
        rows={2}
        {...mentions.fieldProps}
        onChange={(event) => {
          change(event.target.value);
          mentions.fieldProps.onSelect(event);
        }}
        onKeyDown={(event) => {
          mentions.fieldProps.onKeyDown(event);
          if (event.defaultPrevented) return;
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && props.value.trim()) {
            event.preventDefault();
            props.onSubmit();
          }
        }}
        className="w-full rounded border border-slate-300 p-2 dark:border-slate-600 dark:bg-slate-800"
      />
      {mentions.menu}
    </div>
  );
}
