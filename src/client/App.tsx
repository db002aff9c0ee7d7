// The app shell: toasts and the session around everything; signed-in pages get the tab's
// presence & chat socket.
import { type ReactNode, useContext, useEffect, useState } from "react";
import { AuthForm } from "./components/AuthForm.tsx";
import { CreateRoomForm } from "./components/CreateRoomForm.tsx";
import { ErrorBoundary } from "./components/ErrorBoundary.tsx";
import { Header } from "./components/Header.tsx";
import { OfflineBanner } from "./components/OfflineBanner.tsx";
import { Onboarding } from "./components/Onboarding.tsx";
import { RoomList } from "./components/RoomList.tsx";
import { LazyRoomView } from "./components/LazyRoomView.tsx";
import { Toasts } from "./components/Toasts.tsx";
import { ChatContext } from "./hooks/useChat.ts";
import { SessionContext, useSession, useSessionState } from "./hooks/useSession.ts";
import { useToast } from "./hooks/useToast.ts";
import { ChatClient } from "./lib/chat-client.ts";
import { CHAT_CLOSE, ChatCloseCode, closeMessage } from "../shared/room-protocol.ts";
import { useRoute } from "./lib/route.ts";
import type { User } from "../shared/api-types.ts";

export function App() {
  return (
    <ErrorBoundary>
      <Toasts>
        <Session />
      </Toasts>
    </ErrorBoundary>
  );
}

function Session() {
  const session = useSessionState();
  return (
    <SessionContext value={session}>
      <ChatSocket>
        {/* One screen high: the room scrolls its document and panels inside it, so its header and a
            phone's panel bar stay put (and shrink with the on-screen keyboard; see index.html). */}
        <div className="flex h-dvh flex-col bg-slate-100 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
          <Header />
          <OfflineBanner />
          <Pages />
        </div>
      </ChatSocket>
    </SessionContext>
  );
}

function Pages() {
  const { user, loading } = useSession();
  const route = useRoute();
  if (loading) return <p className="p-8 text-slate-500">Loading…</p>;
  if (!user) {
    return (
      <div className="min-h-0 flex-1 overflow-y-auto px-4">
        <AuthForm mode={route.page === "signup" ? "signup" : "signin"} />
      </div>
    );
  }
  return <SignedIn user={user} />;
}

/** The tab's presence & chat socket while someone is signed in (the header's bell uses it too). */
function ChatSocket({ children }: { children: ReactNode }) {
  const { user, refresh } = useSession();
  const toast = useToast();
  const [chat, setChat] = useState<ChatClient | null>(null);
  const userId = user?.id ?? null;
  useEffect(() => {
    if (!userId) return setChat(null);
    const client = new ChatClient((code) => {
      if (code === ChatCloseCode.signedOut) {
        // Signed out elsewhere, a password change, or the account deleted: back to sign-in.
        void refresh().then(
          (still) => toast.info(still ? "Chat access was removed; reload to reconnect." : CHAT_CLOSE.signedOut.message),
          (error) => toast.error(error),
        );
      } else {
        toast.info(closeMessage(CHAT_CLOSE, code) ?? CHAT_CLOSE.malformed.message);
      }
    });
    setChat(client);
    return () => client.close();
  }, [userId, refresh, toast]);
  return <ChatContext value={chat}>{children}</ChatContext>;
}

function SignedIn({ user }: { user: User }) {
  const route = useRoute();
  const { onboardingId } = useSession();
  const chat = useContext(ChatContext);
  // The socket opens in the effect after the user is known: one render without it.
  if (!chat) return null;
  return (
    <>
      {route.page === "room" ? (
        <LazyRoomView key={route.roomId} roomId={route.roomId} user={user} />
      ) : (
        <div className="min-h-0 flex-1 overflow-y-auto">
          <main className="mx-auto flex w-full max-w-4xl flex-col gap-6 p-4 md:p-6">
            {onboardingId && <Onboarding instanceId={onboardingId} />}
            <CreateRoomForm />
            <h1 className="text-xl font-semibold">Rooms</h1>
            <RoomList />
          </main>
        </div>
      )}
    </>
  );
}
