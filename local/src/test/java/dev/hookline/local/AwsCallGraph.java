package dev.hookline.local;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IAM actions a Lambda handler's code can call, read from the compiled classes: a method-level call graph from
 * the handler's constructor and {@code handleRequest}, over the {@code dev.hookline} classes, with virtual calls
 * resolved to the classes that reachable code instantiates (rapid type analysis). Every reachable call of an AWS SDK
 * v2 operation ({@code DynamoDbClient.putItem} returns a {@code PutItemResponse}: {@code dynamodb:PutItem}) is an
 * action the function needs.
 *
 * <p>A lambda counts where it can run: one kept in a field (through a wrapper such as {@code memoize}) once reachable
 * code reads that field, any other once the method creating it is reachable. That keeps the container-wide
 * {@code Services} honest: it creates every service's factory, but a function runs only those it asks for.
 */
final class AwsCallGraph {

    private static final String OWN_PACKAGE = "dev/hookline/";
    private static final Pattern OPERATION = Pattern.compile(
            "\\)Lsoftware/amazon/awssdk/services/([a-z0-9]+)/(?:model/(\\w+)Response|paginators/(\\w+)Iterable);");
    /** Operations authorized as another action (the batch forms of SQS calls, DynamoDB's transactional reads). */
    private static final Map<String, String> AUTHORIZED_AS = Map.of(
            "sqs:SendMessageBatch", "sqs:SendMessage",
            "sqs:DeleteMessageBatch", "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility",
            "dynamodb:TransactGetItems", "dynamodb:GetItem");
    /** TransactWriteItems has no action of its own: each item is authorized as the single-item write it is. */
    private static final String TRANSACT_ITEM = "software/amazon/awssdk/services/dynamodb/model/TransactWriteItem$Builder";
    private static final Map<String, String> TRANSACT_ITEM_ACTIONS = Map.of(
            "put", "dynamodb:PutItem", "update", "dynamodb:UpdateItem", "delete", "dynamodb:DeleteItem",
            "conditionCheck", "dynamodb:ConditionCheckItem");
    private static final Set<String> PLAIN_SUPERTYPES = Set.of("java/lang/Object", "java/lang/Record", "java/lang/Enum");

    private final ClassLoader loader;
    private final Map<String, Optional<ClassInfo>> classes = new HashMap<>();

    AwsCallGraph(ClassLoader loader) {
        this.loader = loader;
    }

    /** The actions reachable from {@code handler} ("pkg.Class::method"), in IAM spelling. */
    Set<String> actions(String handler) {
        String className = handler.substring(0, handler.indexOf("::")).replace('.', '/');
        String entry = handler.substring(handler.indexOf("::") + 2);
        Walk walk = new Walk();
        ClassInfo handlerClass = load(className).orElseThrow(() -> new IllegalArgumentException("no class " + className));
        walk.instantiate(className);
        walk.reach(className, "<init>", "()V");
        handlerClass.methods.values().stream().filter(m -> m.name.equals(entry)).forEach(m -> walk.reach(className, m.name, m.descriptor));
        walk.run();
        return walk.actions;
    }

    private final class Walk {
        final Set<String> reached = new HashSet<>();
        final Deque<MethodInfo> work = new ArrayDeque<>();
        final Set<String> instantiated = new HashSet<>();
        final Set<Ref> virtualCalls = new HashSet<>();
        final Set<String> readFields = new HashSet<>();
        final Map<String, List<Ref>> lambdasByField = new HashMap<>();
        final Set<String> actions = new TreeSet<>();

        void run() {
            while (!work.isEmpty()) {
                MethodInfo method = work.pop();
                for (Insn insn : method.instructions) {
                    visit(insn);
                }
            }
        }

        void visit(Insn insn) {
            switch (insn.kind) {
                case INVOKE_STATIC, INVOKE_SPECIAL -> {
                    touch(insn.ref.owner);
                    resolveUp(insn.ref.owner, insn.ref.name, insn.ref.descriptor).ifPresent(this::enqueue);
                }
                case INVOKE_VIRTUAL -> virtualCall(insn.ref);
                case NEW -> instantiate(insn.ref.owner);
                case GET_FIELD -> {
                    touch(insn.ref.owner);
                    String field = insn.ref.owner + "." + insn.ref.name;
                    if (readFields.add(field)) {
                        lambdasByField.getOrDefault(field, List.of()).forEach(this::handle);
                    }
                }
                case PUT_STATIC -> touch(insn.ref.owner);
                case LAMBDA -> {
                    if (insn.storedIn == null || readFields.contains(insn.storedIn)) {
                        insn.handles.forEach(this::handle);
                    } else {
                        lambdasByField.computeIfAbsent(insn.storedIn, field -> new ArrayList<>()).addAll(insn.handles);
                    }
                }
            }
        }

        /** A method handle a lambda or method reference runs. */
        void handle(Ref target) {
            switch (target.handleKind) {
                case 5, 9 -> virtualCall(target); // invokeVirtual, invokeInterface
                case 8 -> { // newInvokeSpecial: a constructor reference
                    instantiate(target.owner);
                    resolveUp(target.owner, target.name, target.descriptor).ifPresent(this::enqueue);
                }
                default -> {
                    touch(target.owner);
                    resolveUp(target.owner, target.name, target.descriptor).ifPresent(this::enqueue);
                }
            }
        }

        void virtualCall(Ref call) {
            recordAction(call);
            touch(call.owner);
            if (!virtualCalls.add(call)) {
                return;
            }
            // The declared type's own method too: objects Jackson or the JDK build never pass through a reachable `new`.
            resolveUp(call.owner, call.name, call.descriptor).ifPresent(this::enqueue);
            for (String type : List.copyOf(instantiated)) {
                if (isSubtype(type, call.owner)) {
                    resolveUp(type, call.name, call.descriptor).ifPresent(this::enqueue);
                }
            }
        }

        void instantiate(String type) {
            if (!type.startsWith(OWN_PACKAGE) || !instantiated.add(type)) {
                return;
            }
            touch(type);
            for (Ref call : List.copyOf(virtualCalls)) {
                if (isSubtype(type, call.owner)) {
                    resolveUp(type, call.name, call.descriptor).ifPresent(this::enqueue);
                }
            }
            // The JDK and the SDK call what they call on it (run, compareTo, iterator...): all of its methods may run.
            if (hasForeignSupertype(type)) {
                load(type).ifPresent(info -> info.methods.values().stream()
                        .filter(m -> !m.isStatic).forEach(this::enqueue));
            }
        }

        void recordAction(Ref call) {
            if (call.owner.equals(TRANSACT_ITEM) && TRANSACT_ITEM_ACTIONS.containsKey(call.name)) {
                actions.add(TRANSACT_ITEM_ACTIONS.get(call.name));
                return;
            }
            if (!call.owner.startsWith("software/amazon/awssdk/services/") || !call.owner.endsWith("Client")) {
                return;
            }
            Matcher operation = OPERATION.matcher(call.descriptor);
            if (operation.find()) {
                String action = operation.group(1) + ":" + (operation.group(2) != null ? operation.group(2) : operation.group(3));
                if (!action.equals("dynamodb:TransactWriteItems")) {
                    actions.add(AUTHORIZED_AS.getOrDefault(action, action));
                }
            }
        }

        void touch(String type) {
            if (type.startsWith(OWN_PACKAGE)) {
                resolveUp(type, "<clinit>", "()V").filter(m -> m.owner.equals(type)).ifPresent(this::enqueue);
            }
        }

        void reach(String owner, String name, String descriptor) {
            resolveUp(owner, name, descriptor).ifPresent(this::enqueue);
        }

        void enqueue(MethodInfo method) {
            if (reached.add(method.owner + "." + method.name + method.descriptor)) {
                work.push(method);
            }
        }
    }

    /** The method {@code owner} runs for name and descriptor: its own, a superclass's, or a default one. */
    private Optional<MethodInfo> resolveUp(String owner, String name, String descriptor) {
        Optional<ClassInfo> info = load(owner);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        MethodInfo own = info.get().methods.get(name + descriptor);
        if (own != null) {
            return Optional.of(own);
        }
        if (name.equals("<init>") || name.equals("<clinit>")) {
            return Optional.empty();
        }
        List<String> supertypes = new ArrayList<>();
        if (info.get().superName != null) {
            supertypes.add(info.get().superName);
        }
        supertypes.addAll(info.get().interfaces);
        for (String supertype : supertypes) {
            Optional<MethodInfo> inherited = resolveUp(supertype, name, descriptor);
            if (inherited.isPresent()) {
                return inherited;
            }
        }
        return Optional.empty();
    }

    private boolean isSubtype(String type, String of) {
        if (type.equals(of)) {
            return true;
        }
        Optional<ClassInfo> info = load(type);
        if (info.isEmpty()) {
            return false;
        }
        if (info.get().superName != null && isSubtype(info.get().superName, of)) {
            return true;
        }
        return info.get().interfaces.stream().anyMatch(i -> isSubtype(i, of));
    }

    private boolean hasForeignSupertype(String type) {
        Optional<ClassInfo> info = load(type);
        if (info.isEmpty()) {
            return false;
        }
        List<String> supertypes = new ArrayList<>(info.get().interfaces);
        if (info.get().superName != null) {
            supertypes.add(info.get().superName);
        }
        return supertypes.stream().anyMatch(s -> s.startsWith(OWN_PACKAGE) ? hasForeignSupertype(s) : !PLAIN_SUPERTYPES.contains(s));
    }

    /** Only this project's classes are read; everything else is a leaf of the graph. */
    private Optional<ClassInfo> load(String name) {
        if (!name.startsWith(OWN_PACKAGE)) {
            return Optional.empty();
        }
        return classes.computeIfAbsent(name, n -> {
            try (InputStream in = loader.getResourceAsStream(n + ".class")) {
                return in == null ? Optional.empty() : Optional.of(ClassInfo.read(new DataInputStream(in)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    // ------------------------------------------------------------------ class file reading (JVMS chapter 4)

    private enum Kind { INVOKE_STATIC, INVOKE_SPECIAL, INVOKE_VIRTUAL, NEW, GET_FIELD, PUT_STATIC, LAMBDA }

    /** A member reference; {@code handleKind} only for method handles. */
    private record Ref(String owner, String name, String descriptor, int handleKind) {
    }

    private static final class Insn {
        final Kind kind;
        final Ref ref;
        final List<Ref> handles;
        /** For a lambda: the field ("owner.name") its value is stored in right away, else null. */
        String storedIn;

        Insn(Kind kind, Ref ref, List<Ref> handles) {
            this.kind = kind;
            this.ref = ref;
            this.handles = handles;
        }
    }

    private record MethodInfo(String owner, String name, String descriptor, boolean isStatic, List<Insn> instructions) {
    }

    private static final class ClassInfo {
        String superName;
        final List<String> interfaces = new ArrayList<>();
        final Map<String, MethodInfo> methods = new LinkedHashMap<>();

        static ClassInfo read(DataInputStream in) throws IOException {
            in.readInt();
            in.readUnsignedShort();
            in.readUnsignedShort();
            Object[] pool = readPool(in);
            ClassInfo info = new ClassInfo();
            in.readUnsignedShort();
            String name = className(pool, in.readUnsignedShort());
            int superIndex = in.readUnsignedShort();
            info.superName = superIndex == 0 ? null : className(pool, superIndex);
            int interfaceCount = in.readUnsignedShort();
            for (int i = 0; i < interfaceCount; i++) {
                info.interfaces.add(className(pool, in.readUnsignedShort()));
            }
            int fieldCount = in.readUnsignedShort();
            for (int i = 0; i < fieldCount; i++) {
                in.readUnsignedShort();
                in.readUnsignedShort();
                in.readUnsignedShort();
                skipAttributes(in);
            }
            List<Object[]> rawMethods = new ArrayList<>();
            int methodCount = in.readUnsignedShort();
            for (int i = 0; i < methodCount; i++) {
                int access = in.readUnsignedShort();
                String methodName = (String) pool[in.readUnsignedShort()];
                String descriptor = (String) pool[in.readUnsignedShort()];
                byte[] code = null;
                int attributeCount = in.readUnsignedShort();
                for (int a = 0; a < attributeCount; a++) {
                    String attribute = (String) pool[in.readUnsignedShort()];
                    byte[] body = in.readNBytes(in.readInt());
                    if (attribute.equals("Code")) { // max_stack, max_locals, code_length, code
                        code = java.util.Arrays.copyOfRange(body, 8, 8 + readInt(body, 4));
                    }
                }
                rawMethods.add(new Object[] {methodName, descriptor, (access & 0x0008) != 0, code});
            }
            List<int[]> bootstraps = new ArrayList<>();
            int attributeCount = in.readUnsignedShort();
            for (int a = 0; a < attributeCount; a++) {
                String attribute = (String) pool[in.readUnsignedShort()];
                byte[] body = in.readNBytes(in.readInt());
                if (attribute.equals("BootstrapMethods")) {
                    DataInputStream b = new DataInputStream(new java.io.ByteArrayInputStream(body));
                    int count = b.readUnsignedShort();
                    for (int i = 0; i < count; i++) {
                        b.readUnsignedShort();
                        int[] arguments = new int[b.readUnsignedShort()];
                        for (int j = 0; j < arguments.length; j++) {
                            arguments[j] = b.readUnsignedShort();
                        }
                        bootstraps.add(arguments);
                    }
                }
            }
            for (Object[] raw : rawMethods) {
                List<Insn> instructions = raw[3] == null ? List.of() : instructions((byte[]) raw[3], pool, bootstraps);
                info.methods.put(raw[0] + (String) raw[1], new MethodInfo(name, (String) raw[0], (String) raw[1],
                        (Boolean) raw[2], instructions));
            }
            return info;
        }

        private static void skipAttributes(DataInputStream in) throws IOException {
            int count = in.readUnsignedShort();
            for (int i = 0; i < count; i++) {
                in.readUnsignedShort();
                in.skipNBytes(in.readInt());
            }
        }

        /** Utf8 entries as String, the others as int[] {tag, operand, operand}. */
        private static Object[] readPool(DataInputStream in) throws IOException {
            Object[] pool = new Object[in.readUnsignedShort()];
            for (int i = 1; i < pool.length; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> pool[i] = in.readUTF();
                    case 3, 4 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> pool[i] = new int[] {tag, in.readUnsignedShort(), 0};
                    case 9, 10, 11, 12, 17, 18 -> pool[i] = new int[] {tag, in.readUnsignedShort(), in.readUnsignedShort()};
                    case 15 -> pool[i] = new int[] {tag, in.readUnsignedByte(), in.readUnsignedShort()};
                    default -> throw new IOException("constant pool tag " + tag);
                }
            }
            return pool;
        }

        private static String className(Object[] pool, int index) {
            return (String) pool[((int[]) pool[index])[1]];
        }

        private static Ref member(Object[] pool, int index, int handleKind) {
            int[] entry = (int[]) pool[index];
            int[] nameAndType = (int[]) pool[entry[2]];
            return new Ref(className(pool, entry[1]), (String) pool[nameAndType[1]], (String) pool[nameAndType[2]], handleKind);
        }

        private static List<Insn> instructions(byte[] code, Object[] pool, List<int[]> bootstraps) {
            List<Insn> out = new ArrayList<>();
            Insn pendingLambda = null;
            int pc = 0;
            while (pc < code.length) {
                int op = code[pc] & 0xff;
                int operand = pc + 2 < code.length ? ((code[pc + 1] & 0xff) << 8) | (code[pc + 2] & 0xff) : 0;
                Insn insn = switch (op) {
                    case 0xb8 -> new Insn(Kind.INVOKE_STATIC, member(pool, operand, 0), List.of());
                    case 0xb7 -> new Insn(Kind.INVOKE_SPECIAL, member(pool, operand, 0), List.of());
                    case 0xb6, 0xb9 -> new Insn(Kind.INVOKE_VIRTUAL, member(pool, operand, 0), List.of());
                    case 0xbb -> new Insn(Kind.NEW, new Ref(className(pool, operand), "", "", 0), List.of());
                    case 0xb2, 0xb4 -> new Insn(Kind.GET_FIELD, member(pool, operand, 0), List.of());
                    case 0xb3 -> new Insn(Kind.PUT_STATIC, member(pool, operand, 0), List.of());
                    case 0xba -> new Insn(Kind.LAMBDA, null, handles(pool, bootstraps.get(((int[]) pool[operand])[1])));
                    default -> null;
                };
                if (insn != null) {
                    out.add(insn);
                }
                // A lambda whose value goes straight (through calls such as memoize) into a field belongs to that field.
                if (pendingLambda != null && (op == 0xb3 || op == 0xb5)) {
                    Ref field = member(pool, operand, 0);
                    pendingLambda.storedIn = field.owner + "." + field.name;
                    pendingLambda = null;
                } else if (pendingLambda != null && endsFlow(op)) {
                    pendingLambda = null;
                }
                if (op == 0xba) {
                    pendingLambda = insn;
                }
                pc += length(code, pc);
            }
            return out;
        }

        private static List<Ref> handles(Object[] pool, int[] arguments) {
            List<Ref> out = new ArrayList<>();
            for (int argument : arguments) {
                if (pool[argument] instanceof int[] entry && entry[0] == 15) {
                    out.add(member(pool, entry[2], entry[1]));
                }
            }
            return out;
        }

        /** Stores to a local, branches, returns and throws: the value's way no longer reads as one expression. */
        private static boolean endsFlow(int op) {
            return op == 0x3a || (op >= 0x4b && op <= 0x4e) || (op >= 0x99 && op <= 0xb1) || op == 0xbf
                    || (op >= 0xc6 && op <= 0xc9);
        }

        private static int length(byte[] code, int pc) {
            int op = code[pc] & 0xff;
            return switch (op) {
                case 0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3a, 0xa9, 0xbc -> 2;
                case 0x11, 0x13, 0x14, 0x84, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xbb, 0xbd, 0xc0, 0xc1, 0xc6, 0xc7 -> 3;
                case 0xc5 -> 4;
                case 0xb9, 0xba, 0xc8, 0xc9 -> 5;
                case 0xc4 -> (code[pc + 1] & 0xff) == 0x84 ? 6 : 4;
                case 0xaa -> {
                    int base = (pc + 4) & ~3;
                    int low = readInt(code, base + 4);
                    int high = readInt(code, base + 8);
                    yield base + 12 + (high - low + 1) * 4 - pc;
                }
                case 0xab -> {
                    int base = (pc + 4) & ~3;
                    yield base + 8 + readInt(code, base + 4) * 8 - pc;
                }
                default -> op >= 0x99 && op <= 0xa8 ? 3 : 1;
            };
        }

        private static int readInt(byte[] code, int at) {
            return ((code[at] & 0xff) << 24) | ((code[at + 1] & 0xff) << 16) | ((code[at + 2] & 0xff) << 8) | (code[at + 3] & 0xff);
        }
    }
}
