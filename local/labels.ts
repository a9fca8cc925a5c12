/** How people read a subaccount id: -1 is the account as a whole and 0 the primary account (README, the lake's columns). */
export function subaccountLabel(subaccountId: number): string {
    if (subaccountId === -1) return "account overall";
    return subaccountId === 0 ? "0 (primary)" : String(subaccountId);
}
