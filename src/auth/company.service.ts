import { isDuplicateKey } from '../db/errors';
import { Sequences } from '../db/sequences';
import type { Db, Model } from '../db/types';
import { conflict, notFound } from '../http/errors';
import { companyModel, type CompanyDoc } from './company.model';

/** A company as listed: its seed 004 number, its owner and its name. */
export interface Company {
  number: number;
  owner: string;
  name: string;
  createdAt: Date;
}

const toView = (d: CompanyDoc): Company => ({ number: d.number, owner: d.owner, name: d.name, createdAt: d.createdAt });

/**
 * Companies: the seed 004 face of owners. An owner's company is made the first time it is asked
 * for (named after the owner); an admin may rename it. Numbers are never reused.
 */
export class CompanyService {
  private readonly Company: Model<CompanyDoc>;
  private readonly sequences: Sequences;

  constructor(conn: Db) {
    this.Company = companyModel(conn);
    this.sequences = new Sequences(conn);
  }

  /** The owner's company, made now if it has none. */
  async ofOwner(owner: string): Promise<Company> {
    const found = await this.Company.findOne({ owner }).lean();
    if (found) return toView(found);
    const number = await this.sequences.next('companies');
    for (const name of [owner, `${owner} (${number})`]) {
      try {
        return toView((await this.Company.create({ number, owner, name })).toObject());
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Made meanwhile by another request, or another company is named like this owner.
        const raced = await this.Company.findOne({ owner }).lean();
        if (raced) return toView(raced);
      }
    }
    throw new Error(`could not make the company of owner ${owner}`);
  }

  async byNumber(n: number): Promise<Company | null> {
    if (!Number.isSafeInteger(n) || n < 1) return null;
    const d = await this.Company.findOne({ number: n }).lean();
    return d ? toView(d) : null;
  }

  async byName(name: string): Promise<Company | null> {
    const d = await this.Company.findOne({ name }).lean();
    return d ? toView(d) : null;
  }

  /** Every company (of owners someone asked about), by number; `owner` given: that one's only. */
  async list(owner?: string): Promise<Company[]> {
    const q = owner === undefined ? {} : { owner };
    return (await this.Company.find(q).sort({ number: 1 }).limit(1000).lean()).map(toView);
  }

  /** Names the owner's company (409 company_name_taken when another has the name). */
  async rename(owner: string, name: string): Promise<Company> {
    await this.ofOwner(owner);
    try {
      const d = await this.Company.findOneAndUpdate({ owner }, { $set: { name } }, { returnDocument: 'after' }).lean();
      if (!d) throw notFound('company');
      return toView(d);
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict('company_name_taken', `a company named "${name}" exists`);
      throw err;
    }
  }
}
