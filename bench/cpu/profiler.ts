/** V8's sampling CPU profiler on this process, through node's inspector (what `--cpu-prof` records). */
import { Session } from "inspector";
import type { CpuProfile } from "./profileSummary";

/** Starts sampling every `intervalUs` microseconds; the returned function stops and gives the profile. */
export async function startProfiler(intervalUs = 200): Promise<() => Promise<CpuProfile>> {
    const session = new Session();
    session.connect();
    const post = <T = unknown>(method: string, params?: object) =>
        new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: intervalUs });
    await post("Profiler.start");
    return async () => {
        const { profile } = await post<{ profile: CpuProfile }>("Profiler.stop");
        session.disconnect();
        return profile;
    };
}
