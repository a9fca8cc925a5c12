/**
 * cli-table3 colours its borders and headings: escape codes that a terminal renders and a pipe or a file keeps
 * as noise. Every table the CLI and the benchmark print takes its style from here.
 */

export type TableStyle = { head: string[]; border: string[] } | undefined;

/** No colours when `plain`; cli-table3's default colours otherwise. */
export function tableStyle(plain: boolean): TableStyle {
    return plain ? { head: [], border: [] } : undefined;
}

/** Colours only when standard output is a terminal. */
export function plainUnlessTty(): TableStyle {
    return tableStyle(!process.stdout.isTTY);
}
