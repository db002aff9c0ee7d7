// For owners: who belongs to the room, with which role; invite by email (pending until accepted), change, remove.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api } from "../api.ts";
import { useToast } from "../hooks/useToast.ts";
import type { ChangedMember, Member, RoomRole, SentInvitation } from "../../shared/api-types.ts";

const ROLES: RoomRole[] = ["viewer", "commenter", "editor", "owner"];

export function MembersPanel({ roomId, active }: { roomId: string; active: boolean }) {
  const toast = useToast();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<RoomRole>("editor");

  const refresh = useCallback(async () => {
    try {
      setMembers((await api<{ members: Member[] }>(`/api/rooms/${roomId}/members`)).members);
    } catch (error) {
      toast.error(error);
    }
  }, [roomId, toast]);

  useEffect(() => {
    if (active) void refresh();
  }, [active, refresh]);

  /** True when the change took effect (an existing member), false when an invitation now waits for an answer. */
  const setMember = async (body: { email: string } | { userId: string }, newRole: RoomRole): Promise<boolean> => {
    const result = await api<{ member?: ChangedMember; invitation?: SentInvitation }>(`/api/rooms/${roomId}/members`, {
      method: "POST",
      body: JSON.stringify({ ...body, role: newRole }),
    });
    await refresh();
    return Boolean(result.member);
  };

  const invite = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const address = email.trim();
      // The server answers the same for any address, so this cannot say whether it has an account.
      const changed = await setMember({ email: address }, role);
      toast.info(changed ? `${address} is now ${role}.` : `Invitation sent to ${address} as ${role}. They join when they accept it.`);
      setEmail("");
    } catch (error) {
      toast.error(error);
    }
  };

  const remove = async (member: Member) => {
    try {
      await api(`/api/rooms/${roomId}/members/${member.userId}`, { method: "DELETE" });
      await refresh();
    } catch (error) {
      toast.error(error);
    }
  };

  return (
    <section aria-label="Members" className="flex h-full min-h-0 flex-col gap-3 p-3 text-sm">
      <form onSubmit={invite} className="flex flex-wrap gap-2">
        <label htmlFor="invite-email" className="sr-only">
          Email to invite
        </label>
        <input
          id="invite-email"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          placeholder="name@example.com"
          className="min-w-0 flex-1 rounded border border-slate-300 dark:border-slate-600 px-2 py-1"
        />
        <label htmlFor="invite-role" className="sr-only">
          Role
        </label>
        <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as RoomRole)} className="rounded border border-slate-300 dark:border-slate-600 px-2 py-1">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className="rounded bg-indigo-600 px-3 py-1 text-white hover:bg-indigo-700">
          Invite
        </button>
      </form>
      <ul aria-label="Room members" className="min-h-0 flex-1 space-y-1 overflow-y-auto">
        {(members ?? []).map((m) => (
          <li key={m.userId} data-testid="member" className="flex items-center gap-2 rounded border border-slate-200 dark:border-slate-700 p-2">
            <div className="min-w-0 flex-1">
              <p className="truncate font-medium">{m.name}</p>
              <p className="truncate text-xs text-slate-500 dark:text-slate-400">{m.email}</p>
            </div>
            <label htmlFor={`role-${m.userId}`} className="sr-only">
              Role of {m.name}
            </label>
            <select
              id={`role-${m.userId}`}
              value={m.role}
              onChange={(e) => setMember({ userId: m.userId }, e.target.value as RoomRole).catch(toast.error)}
              className="rounded border border-slate-300 dark:border-slate-600 px-1 py-0.5"
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <button type="button" aria-label={`Remove ${m.name}`} onClick={() => void remove(m)} className="rounded px-2 py-1 text-red-700 dark:text-red-300 hover:bg-red-50 dark:hover:bg-red-950">
              Remove
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
