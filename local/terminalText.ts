/**
 * Text a sender chose, made safe to print in a terminal: control characters (C0, DEL and C1, where ESC and CSI
 * start the sequences that clear the screen, retitle the window or recolour what follows) are shown as `\uXXXX`
 * escapes instead of being obeyed. Stored data is untouched; only what a command prints goes through this.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
    return text.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
