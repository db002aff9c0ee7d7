// Live JS heap of a workerd isolate over its V8 inspector: the resilience suite's leak checks and
// the benchmark's memory row both read it here.
/**
 * Used heap of one isolate after a full collection, over the inspector protocol. workerd does
 * not answer HeapProfiler.collectGarbage, but a heap snapshot collects first (its chunks are
 * streamed and ignored).
 */
export async function heapAfterGc(url: string): Promise<number> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  let nextId = 1;
  const call = (method: string) =>
    new Promise<any>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`inspector ${method} timed out`)), 120_000);
      const onMessage = (event: MessageEvent) => {
        const reply = JSON.parse(String(event.data));
        if (reply.id !== id) return;
        clearTimeout(timer);
        ws.removeEventListener("message", onMessage);
        if (reply.error) reject(new Error(`inspector ${method}: ${reply.error.message}`));
        else resolve(reply.result);
      };
      ws.addEventListener("message", onMessage);
      ws.send(JSON.stringify({ id, method }));
    });
  try {
    await call("HeapProfiler.enable");
    await call("HeapProfiler.takeHeapSnapshot");
    return (await call("Runtime.getHeapUsage")).usedSize as number;
  } finally {
    ws.close();
  }
}
