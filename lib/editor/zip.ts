import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { once } from "node:events";
import { crc32 } from "node:zlib";

/**
 * A store-only ZIP (no compression: the video files would not shrink, the text ones are small)
 * written from files on disk, one pass per file for its CRC-32 and one to copy it. ZIP64 is
 * not written: each file and the whole archive must stay under 4 GiB, refused otherwise.
 */
export type ZipEntry = { name: string; file: string };

const LIMIT = 0xffff_fffe;

function dosTime(date: Date): { time: number; date: number } {
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((Math.max(1980, date.getFullYear()) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

async function fileCrc(file: string): Promise<number> {
  let value = 0;
  for await (const chunk of createReadStream(file)) value = crc32(chunk as Buffer, value);
  return value;
}

export async function writeZip(output: string, entries: ZipEntry[]): Promise<void> {
  const out = createWriteStream(output);
  const write = async (buffer: Buffer) => {
    if (!out.write(buffer)) await once(out, "drain");
  };
  const central: Buffer[] = [];
  let offset = 0;
  const stamp = dosTime(new Date());
  try {
    for (const entry of entries) {
      const size = (await stat(entry.file)).size;
      if (size > LIMIT || offset + size > LIMIT) throw new Error("The export is too large for a ZIP without ZIP64 (4 GiB)");
      const crc = await fileCrc(entry.file);
      const name = Buffer.from(entry.name, "utf8");
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4); // version needed
      local.writeUInt16LE(0x0800, 6); // UTF-8 names
      local.writeUInt16LE(0, 8); // stored
      local.writeUInt16LE(stamp.time, 10);
      local.writeUInt16LE(stamp.date, 12);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(size, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      await write(local);
      await write(name);
      for await (const chunk of createReadStream(entry.file)) await write(chunk as Buffer);
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4);
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(0x0800, 8);
      header.writeUInt16LE(0, 10);
      header.writeUInt16LE(stamp.time, 12);
      header.writeUInt16LE(stamp.date, 14);
      header.writeUInt32LE(crc >>> 0, 16);
      header.writeUInt32LE(size, 20);
      header.writeUInt32LE(size, 24);
      header.writeUInt16LE(name.length, 28);
      header.writeUInt32LE(offset, 42);
      central.push(header, name);
      offset += 30 + name.length + size;
    }
    const directory = Buffer.concat(central);
    await write(directory);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    await write(end);
    out.end();
    await once(out, "finish");
  } catch (error) {
    out.destroy();
    throw error;
  }
}
