import { z } from 'zod';
import { httpUrl, nameText, ownerName } from '../../http/schemas';
import { ROBOT_STATUSES, PUPPET_KINDS } from '../../bot/robot.model';

/** A robot as the API shows it (no puppet token). */
export const robotView = z
  .object({
    id: z.string(),
    name: z.string(),
    owner: z.string(),
    agentCode: z.string().optional(),
    callbackUrl: z.string().optional(),
    username: z.string().optional(),
    assignable: z.boolean().meta({ description: 'group owners may be assigned this robot (seed 002 distribution)' }),
    pin: z.string().optional().meta({ description: 'runs only in the qunbot process with this label' }),
    puppetKind: z.enum(PUPPET_KINDS),
    desired: z.enum(['running', 'stopped']),
    status: z.enum(ROBOT_STATUSES),
    statusReason: z
      .string()
      .optional()
      .meta({ description: 'why the robot has its status (offline: the error; failed: the bad setting)' }),
    statusAt: z.date().optional(),
    retryAt: z.date().optional().meta({ description: 'offline only: when the robot tries to start again' }),
    wxId: z.string().optional(),
    wxName: z.string().optional(),
    loggedInAt: z.date().optional(),
    createdAt: z.date(),
  })
  .meta({ id: 'Robot' });

/** The robot's current login QR code. */
export const qrCodeView = z
  .object({
    payload: z.string().meta({ description: 'the text encoded in the QR code' }),
    dataUrl: z.string().meta({ description: 'the QR code as a PNG data URL' }),
    expiresAt: z.date(),
  })
  .meta({ id: 'QrCode' });

/** A new robot: name, owner (admin keys), puppet settings and seed fields. */
export const createRobotBody = z
  .object({
    name: nameText(100),
    owner: ownerName
      .optional()
      .meta({ description: 'required with an admin key; an owner key creates for its own owner' }),
    agentCode: z
      .string()
      .regex(/^[A-Za-z0-9]{6}$/, 'six letters or digits')
      .optional()
      .meta({ description: 'rooms whose name ends with it are bound to the robot' }),
    callbackUrl: httpUrl.optional().meta({ description: 'GET after each QR login (seed 001)' }),
    username: nameText(100).optional(),
    puppet: z
      .object({
        kind: z.enum(PUPPET_KINDS),
        endpoint: z
          .string()
          .regex(/^[\w.-]+:\d{1,5}$/, 'host:port')
          .optional(),
        token: z.string().min(1).max(200).optional(),
        tlsDisable: z.boolean().optional(),
      })
      .strict()
      .optional()
      .meta({ description: 'admin keys only; default: the configured puppet' }),
  })
  .strict();

/** A change of a robot's name, agent code, callback URL or username. */
export const updateRobotBody = createRobotBody
  .pick({ name: true, agentCode: true, callbackUrl: true, username: true })
  .extend({
    assignable: z.boolean().meta({ description: 'false: never assigned to a new group owner (不可分配)' }),
    pin: z
      .string()
      .regex(/^[\w.:-]{1,64}$/, 'a process label: letters, digits, . : _ -')
      .nullable()
      .meta({
        description:
          'admins only: run the robot only in the qunbot process with this label (QUNBOT_PROCESS_LABEL); null: any process',
      }),
  })
  .partial()
  .strict();
