// Which notifications are emailed (PATCH /api/users/:id { notify }): the inbox's footer.
import { useState } from "react";
import { api } from "../../api.ts";
import { useSession } from "../../hooks/useSession.ts";
import { useToast } from "../../hooks/useToast.ts";
import type { User } from "../../../shared/api-types.ts";

const CHOICES: Record<User["notify"], string> = { all: "All notifications", mentions: "Mentions only", none: "Nothing" };

export function EmailPreference() {
  const { user, refresh } = useSession();
  const toast = useToast();
  const [value, setValue] = useState<User["notify"]>(user?.notify ?? "all");
  if (!user) return null;
  const change = async (notify: User["notify"]) => {
    const before = value;
    setValue(notify);
    try {
      await api(`/api/users/${user.id}`, { method: "PATCH", body: JSON.stringify({ notify }) });
      await refresh();
    } catch (error) {
      setValue(before);
      toast.error(error);
    }
  };
  return (
    <label className="flex items-center gap-2 border-t border-slate-200 px-3 py-2 text-sm dark:border-slate-700">
      Email me
      <select
        value={value}
        onChange={(event) => void change(event.target.value as User["notify"])}
        className="min-h-9 flex-1 rounded border border-slate-300 bg-white px-2 dark:border-slate-600 dark:bg-slate-900"
      >
        {(Object.keys(CHOICES) as User["notify"][]).map((key) => (
          <option key={key} value={key}>
            {CHOICES[key]}
          </option>
        ))}
      </select>
    </label>
  );
}
