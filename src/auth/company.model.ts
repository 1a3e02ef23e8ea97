import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A company (seed 004 公司), kept minimal: the number and name under which seed 004 shows an
 * owner. One per owner; nothing of the seed's CRM (authorisations, radar users) is kept.
 */
export interface CompanyDoc {
  _id: Types.ObjectId;
  /** 1, 2, 3...: the seed 004 `company_id`. */
  number: number;
  /** The owner (tenant) whose robots, rooms, operators and scripts the company stands for. */
  owner: string;
  /** Shown as `company_name`/`companyName`; the owner until someone names it. */
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

const companySchema = new Schema<CompanyDoc>(
  {
    number: { type: Number, required: true, unique: true },
    owner: { type: String, required: true, unique: true },
    name: { type: String, required: true, unique: true },
  },
  { collection: 'companies', timestamps: true, versionKey: false },
);

/** The companies collection on this connection. */
export function companyModel(conn: Connection): Model<CompanyDoc> {
  return (conn.models.Company as Model<CompanyDoc>) ?? conn.model<CompanyDoc>('Company', companySchema);
}
