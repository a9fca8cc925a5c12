/** Reading back what the receiver stored, over the wire, from the emulators. */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { listKeys } from "../../local/replay";

export { listKeys };

export async function getText(s3: S3Client, bucket: string, key: string): Promise<string> {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return object.Body!.transformToString("utf8");
}

export async function getBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
}

/** Every item of the table. A Scan is fine in a test: it is how we prove what the receiver did not write. */
export async function scanItems(dynamodb: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, any> | undefined;
    do {
        const page = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
        items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
        startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
}

/** A snapshot of everything stored: to assert that a request stored nothing, or nothing new. */
export async function snapshot(s3: S3Client, dynamodb: DynamoDBClient, bucket: string, table: string) {
    const keys = await listKeys(s3, bucket);
    const items = await scanItems(dynamodb, table);
    return { keys, itemKeys: items.map((item) => `${item.pk} ${item.sk}`).sort(), items };
}
