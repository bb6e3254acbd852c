# sanitizers.cmake -- MEF_SANITIZE=ON builds everything with ASan and UBSan, and any
# finding aborts the program (-fno-sanitize-recover=all), so the tests fail on it.
option(MEF_SANITIZE "build with -fsanitize=address,undefined" OFF)
if(MEF_SANITIZE)
	add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
	    -fno-omit-frame-pointer)
	add_link_options(-fsanitize=address,undefined)
endif()
