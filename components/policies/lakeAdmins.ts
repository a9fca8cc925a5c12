/**
 * Lake Formation's data lake admins, as pure functions of what `getDataLakeSettings` and the caller's session
 * return: whether the identity that runs Pulumi is an admin (checked at preview), the message that says what to do
 * when it is not, and the settings to put when the stack adds admins without wiping anything else.
 *
 * Facts this rests on:
 * - Only an admin can grant on databases and tables it did not create, or DATA_LOCATION_ACCESS (Lake Formation,
 *   implicit-permissions.html); a non-admin's grant is retried by the provider for 2 minutes, then fails with
 *   `AccessDeniedException: Resource does not exist or requester is not authorized` (terraform-provider-aws,
 *   internal/service/lakeformation/permissions.go). A new account has no admin.
 * - Lake Formation stores an admin's ARN as entered, path or not; the STS ARN of a role session carries only the
 *   role's name, `getSessionContext` its IAM ARN with the path. So ARNs are compared by account, kind and name.
 * - PutDataLakeSettings replaces the whole structure: what it omits is cleared, the default permissions included
 *   ("Omitting the CreateDatabaseDefaultPermissions and CreateTableDefaultPermissions parameters is equivalent to
 *   passing empty lists", Lake Formation API reference). So every setting is read and passed through.
 */

/** What getDataLakeSettings returns, as far as the stack reads or passes it through. */
export interface DataLakeSettingsState {
    admins: string[];
    readOnlyAdmins: string[];
    createDatabaseDefaultPermissions: { principal: string; permissions: string[] }[];
    createTableDefaultPermissions: { principal: string; permissions: string[] }[];
    trustedResourceOwners: string[];
    parameters: Record<string, string>;
    allowExternalDataFiltering: boolean;
    allowFullTableExternalDataAccess: boolean;
    externalDataFilteringAllowLists: string[];
    authorizedSessionTagValueLists: string[];
}

/**
 * An IAM role or user ARN as `<partition>:<account>:<role|user>/<name>`, without the path, so that an admin entered
 * with or without its path matches; any other principal (a SAML provider, an Identity Center user) as it is.
 */
export function principalKey(arn: string): string {
    const match = /^arn:([^:]+):iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(arn);
    return match ? `${match[1]}:${match[2]}:${match[3]}/${match[4]}` : arn;
}

export function isAmong(arn: string, principals: readonly string[]): boolean {
    const key = principalKey(arn);
    return principals.some((principal) => principalKey(principal) === key);
}

export interface LakeAdminCheck {
    /** The IAM ARN of the identity that runs Pulumi: `getSessionContext(getCallerIdentity().arn).issuerArn`. */
    deployerArn: string;
    /** The account's admins now. */
    admins: string[];
    /** The admins the stack adds (`lakeAdmins` with `manageLakeAdmins`), none otherwise. */
    added: string[];
    managed: boolean;
    /** The stack's Region and the lake's mode, for the commands in the message. */
    region: string;
    lakeMode: string;
    configNamespace: string;
}

/**
 * Why the deployment's grants would fail, in words that say exactly what to run or set; undefined when the
 * deployer is (or, with `manageLakeAdmins`, will be) an admin.
 */
export function lakeAdminProblem(check: LakeAdminCheck): string | undefined {
    const ns = check.configNamespace;
    if (isAmong(check.deployerArn, [...check.admins, ...check.added])) return undefined;
    if (check.managed) {
        return `${ns}:lakeAdmins does not include the identity that runs Pulumi, ${check.deployerArn}, nor is it a Lake Formation admin `
            + `already, so the lake's grants would fail after the admins are added. Add it: `
            + `\`pulumi config set ${ns}:lakeAdmins '${JSON.stringify([...check.added, check.deployerArn])}'\``;
    }
    const jq = `'.DataLakeAdmins = ((.DataLakeAdmins // []) + [{DataLakePrincipalIdentifier: $me}] | unique_by(.DataLakePrincipalIdentifier))'`;
    return [
        `the identity that runs Pulumi, ${check.deployerArn}, is not a Lake Formation admin in ${check.region}, and ${ns}:lake ${check.lakeMode} `
            + "needs one to grant the crawler and the readers (a new account has no admin; each grant would retry for 2 minutes, then fail "
            + "with AccessDeniedException). Do one of these:",
        "1. Make it an admin, keeping the account's other admins and settings (a put with the admins alone would also reset the account's "
            + "default permissions for new databases and tables), as an IAM principal allowed lakeformation:PutDataLakeSettings:",
        `     aws lakeformation get-data-lake-settings --region ${check.region} --query DataLakeSettings > lf-settings.json`,
        `     jq --arg me '${check.deployerArn}' ${jq} lf-settings.json > lf-settings.new.json`,
        `     aws lakeformation put-data-lake-settings --region ${check.region} --data-lake-settings file://lf-settings.new.json`,
        "2. Or let the stack add it (it keeps every other admin and setting, and never removes an admin):",
        `     pulumi config set ${ns}:manageLakeAdmins true && pulumi config set ${ns}:lakeAdmins '${check.deployerArn}'`,
        "3. Or deploy without the data lake (no Lake Formation, Glue or Athena):",
        `     pulumi config set ${ns}:lake none`,
    ].join("\n");
}

/** The DataLakeSettings arguments that add `added` to the admins and pass every other setting through as it is. */
export function settingsWithAdmins(current: DataLakeSettingsState, added: readonly string[]): DataLakeSettingsState {
    const admins = [...current.admins];
    for (const arn of added) if (!isAmong(arn, admins)) admins.push(arn);
    return { ...structuredClone(current), admins };
}
