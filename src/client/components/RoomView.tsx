// One room: the shared document in the middle, people and connection on top, and the
// side panels (chat, files, history, members for owners) on the right, or as sheets on a phone.
import { useEffect, useState } from "react";
import { api } from "../api.ts";
import { useAwarenessUsers } from "../hooks/useAwarenessUsers.ts";
import { useChatClient } from "../hooks/useChat.ts";
import { useRoomConnection, useRoomState } from "../hooks/useRoomConnection.ts";
import { useToast } from "../hooks/useToast.ts";
import { useIsPhone } from "../hooks/useMediaQuery.ts";
import { forgetRoom, isNetworkFailure, rememberedRoom, rememberRoom } from "../lib/offline-memory.ts";
import { useMessageTarget, useThreadTarget } from "../lib/room-target.ts";
import type { Room, RoomAccess, User } from "../../shared/api-types.ts";
import { AvatarStack } from "./AvatarStack.tsx";
import { ChatPanel } from "./ChatPanel.tsx";
import { ConnectionIndicator } from "./ConnectionIndicator.tsx";
import { Editor } from "./Editor.tsx";
import { FilesPanel } from "./FilesPanel.tsx";
import { HistoryPanel } from "./HistoryPanel.tsx";
import { useLastVisit } from "../hooks/useLastVisit.ts";
import { MembersPanel } from "./MembersPanel.tsx";
import { RefusedEditsBanner } from "./RefusedEditsBanner.tsx";
import { RoomName } from "./RoomName.tsx";
import { RoomMuteToggle } from "./notifications/RoomMuteToggle.tsx";
import { RoomAccessSettings } from "./RoomAccessSettings.tsx";
import { SidePanel, type PanelId } from "./SidePanel.tsx";
import { CommentsPanel, type CommentsBridge, type Draft } from "./comments/CommentsPanel.tsx";
import { useCommentThreads } from "../hooks/useCommentThreads.ts";

export function RoomView({ roomId, user }: { roomId: string; user: User }) {
  const toast = useToast();
  const chat = useChatClient();
  // The room as last seen here shows at once (the document opens from its offline copy while the
  // server is asked); the server's answer replaces it, and the room object's access notice wins.
  const [details, setDetails] = useState<{ room: Room; access: RoomAccess } | null>(() => rememberedRoom(user.id, roomId));
  const [muted, setMuted] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [panel, setPanel] = useState<PanelId>("chat");
  const [sheetOpen, setSheetOpen] = useState(false);
  const phone = useIsPhone();
  const [generation, setGeneration] = useState(0);
  const connection = useRoomConnection(roomId, user.id, generation);
  const lastVisit = useLastVisit(user.id, roomId);
  const state = useRoomState(connection);
  const editing = useAwarenessUsers(connection?.provider ?? null);
  const messageTarget = useMessageTarget();
  const threadTarget = useThreadTarget();
  const comments = useCommentThreads(roomId, connection);
  const [commentsBridge, setCommentsBridge] = useState<CommentsBridge | null>(null);
  const [activeThread, setActiveThread] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const showComments = () => {
    setPanel("comments");
    if (phone) setSheetOpen(true);
  };

  // A link to a comment thread (a notification) opens the Comments panel at it.
  useEffect(() => {
    if (!threadTarget) return;
    setActiveThread(threadTarget.id);
    setPanel("comments");
    if (phone) setSheetOpen(true);
  }, [threadTarget, phone]);

  // A link to a chat message shows the chat (on a phone, opens its sheet); ChatPanel finds it.
  useEffect(() => {
    if (!messageTarget) return;
    setPanel("chat");
    if (phone) setSheetOpen(true);
  }, [messageTarget, phone]);

  useEffect(() => {
    api<{ room: Room; access: RoomAccess; muted: boolean }>(`/api/rooms/${roomId}`).then(
      ({ room, access, muted }) => {
        rememberRoom(user.id, { room, access });
        setDetails({ room, access });
        setMuted(muted);
      },
      (error: Error) => {
        // No network: the room as last seen online opens on its offline copy.
        const saved = isNetworkFailure(error) ? rememberedRoom(user.id, roomId) : null;
        if (saved) return setDetails(saved);
        if (!isNetworkFailure(error)) forgetRoom(user.id, roomId);
        setFailed(error.message);
        toast.error(error);
      },
    );
  }, [roomId, user.id, toast]);

  // Access removed or the room deleted: what this browser remembered of it goes with its copy.
  const lostAccess = state.refused?.reason === "no-access" || state.refused?.reason === "deleted";
  useEffect(() => {
    if (lostAccess) forgetRoom(user.id, roomId);
  }, [lostAccess, user.id, roomId]);

  useEffect(() => {
    chat.view(roomId);
    return () => chat.view(null);
  }, [chat, roomId]);

  if (failed) {
    return (
      <main className="mx-auto max-w-xl p-8">
        <p role="alert" className="text-red-700 dark:text-red-300">{failed}</p>
        <a href="#/" className="text-indigo-700 dark:text-indigo-300 underline">Back to rooms</a>
      </main>
    );
  }

  // The room object's own word on access wins: it follows role changes live.
  const readOnly = state.refused ? true : state.access ? state.access.readOnly : !details?.access.canEdit;
  const discardUnsent = () => {
    if (!connection) return;
    connection.discardUnsent().then(() => setGeneration((n) => n + 1), toast.error);
  };
  const canManage = details?.access.canManage ?? false;

  return (
    <main className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-center gap-2 border-b border-slate-200 bg-white px-2 py-1 md:flex-wrap md:gap-4 md:px-4 md:py-2 dark:border-slate-700 dark:bg-slate-900">
        <a href="#/" className="inline-flex min-h-11 shrink-0 items-center px-2 text-sm text-indigo-700 hover:underline md:min-h-0 md:px-0 dark:text-indigo-300">
          ← Rooms
        </a>
        <RoomName room={details?.room ?? null} canManage={canManage} onRenamed={(room) => setDetails((d) => d && { ...d, room })} />
        {details && !phone && <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">{details.room.visibility}</span>}
        <div className="ml-auto flex shrink-0 items-center gap-3 md:gap-4">
          <AvatarStack roomId={roomId} editing={editing} compact={phone} />
          <RoomMuteToggle roomId={roomId} initiallyMuted={muted} />
          <ConnectionIndicator state={state} compact={phone} />
        </div>
      </div>
      <div className="flex min-h-0 flex-1 flex-col md:flex-row">
        <div className="min-h-0 min-w-0 flex-1 overflow-y-auto bg-white dark:bg-slate-900">
          {state.refused && (state.refused.unsent || state.refused.reason !== "read-only") && (
            <RefusedEditsBanner refused={state.refused} onDiscard={discardUnsent} />
          )}
          {connection && details ? (
            <Editor
              connection={connection}
              roomId={roomId}
              user={user}
              readOnly={readOnly}
              comments={{
                threads: comments.threads,
                activeId: activeThread,
                onOpenThread: (id) => {
                  setActiveThread(id);
                  showComments();
                },
                onNewThread: (selection) => {
                  if (!details?.access.canComment) return toast.info("You can read comments in this room but not add them.");
                  if (!selection) return toast.info("Select some text in the document first, then choose Comment.");
                  setDraft(selection);
                  showComments();
                },
                onReady: setCommentsBridge,
              }}
            />
          ) : (
            <p className="p-8 text-slate-600 dark:text-slate-400">Opening the document…</p>
          )}
        </div>
        <SidePanel current={panel} onSelect={setPanel} showMembers={canManage} phone={phone} sheetOpen={sheetOpen} onSheetOpen={setSheetOpen}>
          {{
            chat: <ChatPanel roomId={roomId} myId={user.id} visible={panel === "chat" && (!phone || sheetOpen)} />,
            comments: (
              <CommentsPanel
                roomId={roomId}
                threads={comments.threads}
                myId={user.id}
                canComment={details?.access.canComment ?? false}
                canManage={canManage}
                bridge={commentsBridge}
                activeId={activeThread}
                onActivate={(id) => {
                  setActiveThread(id);
                  // On a phone the sheet covers the document: close it to show the text.
                  if (id && phone) setSheetOpen(false);
                }}
                draft={draft}
                onDraft={setDraft}
                onChanged={comments.upsert}
                onDeleted={comments.remove}
              />
            ),
            files: (
              <FilesPanel roomId={roomId} provider={connection?.provider ?? null} canUpload={!readOnly} myId={user.id} active={panel === "files"} />
            ),
            history: <HistoryPanel roomId={roomId} canEdit={!readOnly} active={panel === "history"} lastVisit={lastVisit} />,
            members: canManage ? (
              <div className="flex h-full min-h-0 flex-col">
                {details && <RoomAccessSettings room={details.room} onChanged={(room) => setDetails((d) => d && { ...d, room })} />}
                <div className="min-h-0 flex-1">
                  <MembersPanel roomId={roomId} active={panel === "members"} />
                </div>
              </div>
            ) : null,
          }}
        </SidePanel>
      </div>
    </main>
  );
}
