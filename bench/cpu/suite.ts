/** CPU only: parse + validate + transform per size against JSON.parse, and where the time goes. */
import * as fs from "fs";
import * as path from "path";
import { runChild } from "../child";
import { SIZES } from "../settings";
import type { Suite } from "../suite";
import { ProfileSummary, summarizeProfile } from "./profileSummary";
import type { CpuResult, CpuSize, CpuTask } from "./worker";

export interface CpuSuiteResult {
    sizes: CpuSize[];
    profiledDeliveries: number;
    profile: ProfileSummary;
}

export const cpuSuite: Suite<CpuSuiteResult> = {
    id: "cpu",
    title: "CPU only: parse, validate, transform",
    async run(context) {
        const profilePath = path.join(context.workDir, "cpu-largest.cpuprofile");
        const result = await runChild<CpuTask, CpuResult>(path.join(__dirname, "worker.ts"), {
            sizes: [...SIZES],
            budgetMs: context.settings.cpuBudgetMs,
            profileMs: context.settings.cpuProfileMs,
            profilePath,
        }, { onProgress: context.progress });
        const profile = summarizeProfile(JSON.parse(fs.readFileSync(profilePath, "utf8")), context.projectRoot);
        return { sizes: result.sizes, profiledDeliveries: result.profiledDeliveries, profile };
    },
};
